"""Demo data (dữ liệu mẫu): a deterministic, realistic history of the Youth Union at any scale."""

from chudong.demo.generator import DemoEvent, Generator, digest
from chudong.demo.scales import SCALES, Scale

__all__ = ["SCALES", "DemoEvent", "Generator", "Scale", "digest"]
