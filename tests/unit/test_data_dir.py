"""The data directory holds every database (membership's with each person's key): its owner's only."""

from __future__ import annotations

import stat
from pathlib import Path

from shared.settings import CommonSettings, service_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_directory_is_the_owners_only(tmp_path: Path) -> None:
    common = CommonSettings(data_dir=tmp_path / "fresh" / "data")
    url = service_settings("membership").resolved_database_url(common)
    assert url.endswith("/fresh/data/membership.db")
    assert _mode(tmp_path / "fresh" / "data") == 0o700


def test_a_data_directory_open_to_others_is_closed_on_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # whatever the umask
    (data / "membership.db").write_bytes(b"")
    common = CommonSettings(data_dir=data)
    common.resolved_jwt_secret()
    assert _mode(data) == 0o700
