"""Mapping files (tệp ánh xạ cột): how a workbook of another format is read as the year template.

One mapping per source format, in YAML. For each template sheet it feeds, a mapping says which sheet of
the source holds it, on which row its headers stand, which source header is which template column, how
source values translate (a branch's name to its id, "1" to "Nam"), what to assume for a column the source
lacks, and the date formats it writes. A sheet the mapping does not name is read as the template's own,
so a workbook may mix a foreign member sheet with chudong's other sheets. chudong's own template is the
mapping :data:`OWN` (docs/import/mappings/chudong.yaml spells it out)::

    format: danh-sach-doan-vien-trung-uong
    sheets:
      Đoàn viên:
        source_sheet: DanhSachDoanVien
        header_row: 2
        columns: {"Số định danh": "Mã đoàn viên", "Họ tên": "Họ và tên", "Chi đoàn": "Mã chi đoàn"}
        values: {"Mã chi đoàn": {"Chi đoàn thôn Đồng Tâm": "ls-dcs001-cd01"}}
        defaults: {"Số quyết định kết nạp": "không rõ"}
        date_formats: ["%d-%m-%Y"]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.membership.domain.year_import.cells import CellError, label
from services.membership.domain.year_import.workbook import SHEETS, Sheet, SheetReading

INSTRUCTIONS = "Hướng dẫn"
"""The template's sheet of instructions: never read."""


class MappingError(ValueError):
    """A mapping file that cannot be used, with every problem in it."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class SheetMap(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_sheet: str | None = Field(default=None, min_length=1, max_length=100)
    header_row: int = Field(default=1, ge=1, le=50)
    columns: dict[str, str] = Field(default_factory=dict, description="source header → template column")
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="template column → {source value → template value}"
    )
    defaults: dict[str, str] = Field(default_factory=dict, description="template column → value")
    date_formats: list[str] = Field(default_factory=list, max_length=20)


class ColumnMapping(BaseModel):
    """A source format, and how each of its sheets stands for a sheet of the template."""

    model_config = ConfigDict(extra="forbid")

    format: str = Field(min_length=1, max_length=100, description="the source format's name")
    description: str = ""
    sheets: dict[str, SheetMap] = Field(default_factory=dict, description="template sheet → how it is held")
    ignore: list[str] = Field(default_factory=list, description="source sheets that are not read")


OWN = ColumnMapping(format="chudong", description="chudong's own template: every sheet as it is")


def template_sheet(name: str) -> Sheet | None:
    """The template sheet called ``name``: its key (``members``) or its title (``Đoàn viên``)."""
    wanted = label(name)
    return next((s for s in SHEETS if wanted in (label(s.key), label(s.title))), None)


def parse_mapping(text: str) -> ColumnMapping:
    """A mapping file's content, checked against the template; :class:`MappingError` names every problem."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError([f"not YAML: {exc}"]) from exc
    try:
        mapping = ColumnMapping.model_validate(data)
    except ValidationError as exc:
        raise MappingError(
            [f"{'.'.join(str(p) for p in e['loc']) or 'mapping'}: {e['msg']}" for e in exc.errors()]
        ) from exc
    problems: list[str] = []
    for name, how in mapping.sheets.items():
        sheet = template_sheet(name)
        if sheet is None:
            problems.append(f"sheets.{name}: not a sheet of the template ({_titles()})")
            continue
        for source, target in how.columns.items():
            if sheet.find(target) is None:
                problems.append(
                    f"sheets.{name}.columns.{source}: {target!r} is not a column of {sheet.title}"
                )
        for part, names in (("values", how.values), ("defaults", how.defaults)):
            problems += [
                f"sheets.{name}.{part}.{column}: not a column of {sheet.title}"
                for column in names
                if sheet.find(column) is None
            ]
        for form in how.date_formats:
            problems += (
                [f"sheets.{name}.date_formats: {form!r} is not a date format"]
                if not _date_format(form)
                else []
            )
    if problems:
        raise MappingError(problems)
    return mapping


def _date_format(form: str) -> bool:
    """Whether ``form`` writes a whole date, and reads back what it wrote."""
    day = date(2001, 2, 3)
    try:
        return datetime.strptime(day.strftime(form), form).date() == day
    except ValueError:
        return False


def _titles() -> str:
    return ", ".join(s.title for s in SHEETS)


def readings(mapping: ColumnMapping, titles: Sequence[str]) -> tuple[list[SheetReading], list[CellError]]:
    """How each sheet of a workbook whose sheets are ``titles`` is read under ``mapping``; a sheet that
    is neither the template's nor mapped nor ignored is an error (a misspelt title would lose its rows)."""
    present = {label(t): t for t in titles}
    found: list[SheetReading] = []
    errors: list[CellError] = []
    used: set[str] = set()
    mapped = {sheet.key: how for name, how in mapping.sheets.items() if (sheet := template_sheet(name))}
    for sheet in SHEETS:
        how = mapped.get(sheet.key)
        wanted = (how.source_sheet if how and how.source_sheet else None) or sheet.title
        title = present.get(label(wanted))
        if title is None:
            if how is not None and how.source_sheet:
                errors.append(
                    _sheet_error(wanted, "the workbook has no such sheet", f"a sheet titled {wanted!r}")
                )
            continue
        used.add(label(title))
        found.append(_reading(sheet, title, how))
    ignored = {label(t) for t in (*mapping.ignore, INSTRUCTIONS)}
    for key, title in present.items():
        if key not in used and key not in ignored:
            errors.append(
                _sheet_error(title, "not a sheet of the template", f"a sheet titled one of: {_titles()}")
            )
    return found, errors


def _sheet_error(title: str, message: str, accepted: str) -> CellError:
    return CellError(title, 0, "", "", title, message, accepted)


def _reading(sheet: Sheet, title: str, how: SheetMap | None) -> SheetReading:
    if how is None:
        return SheetReading(sheet, title)

    def key(name: str) -> str:
        found = sheet.find(name)
        assert found is not None  # parse_mapping checked it
        return found.key

    return SheetReading(
        sheet,
        title,
        header_row=how.header_row,
        columns={label(source): key(target) for source, target in how.columns.items()},
        values={key(c): {label(s): v for s, v in m.items()} for c, m in how.values.items()},
        defaults={key(c): v for c, v in how.defaults.items()},
        date_formats=tuple(how.date_formats),
    )


def own_mapping_document() -> dict[str, Any]:
    """chudong's own template as a mapping file spells it out: every sheet, every header as itself."""
    return {
        "format": OWN.format,
        "description": OWN.description,
        "sheets": {
            sheet.title: {
                "source_sheet": sheet.title,
                "header_row": 1,
                "columns": {c.header: c.header for c in sheet.columns},
            }
            for sheet in SHEETS
        },
    }
