# ruff: noqa: F811  (the ``pages`` fixture is imported from test_pages, and each test takes it by name)
"""Exports as an officer files them, read back with openpyxl and pypdf: ids and reasons, a filtered and
frozen header, days as dates, Vietnamese words, who issued it, page x of y; the roll-up's Party and census
figures and an advisory proposal's subject, result and note, counted from events relayed through NATS."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from services.dashboard.app.officer import today
from shared.contracts import membership as ms
from shared.contracts import planning as pl
from shared.contracts.org import UnitLevel, UnitType
from shared.events import NewEvent
from shared.i18n import tr
from tests.dashboard.test_pages import Pages, pages  # noqa: F401  (the fixture: evaluation and the dashboard)
from tests.evaluation.conftest import SECRET
from tests.evaluation.history import at
from tests.support import token_for, wait_until

OFFICER = "Nguyễn Thị Hoa"
FORMULA = '=HYPERLINK("http://x","y")'


def officer(unit: str = "bg-pl", name: str = OFFICER) -> dict[str, str]:
    return token_for(SECRET, "district_officer", unit, subject="officer-pl", name=name)


def workbook(content: bytes) -> list[Worksheet]:
    return list(load_workbook(io.BytesIO(content)).worksheets)


def table(sheet: Worksheet, first_header: str) -> tuple[int, list[str], list[dict[str, Any]]]:
    """The header row's number, its headers, and the rows below it by header."""
    rows = list(sheet.iter_rows(values_only=True))
    at_row = next(i for i, r in enumerate(rows) if r[0] == first_header)
    headers = [str(h) for h in rows[at_row]]
    return at_row + 1, headers, [dict(zip(headers, r, strict=True)) for r in rows[at_row + 1 :]]


def no_formulas(sheets: list[Worksheet]) -> None:
    assert not [c for ws in sheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


async def record_party_and_census(pages: Pages) -> None:
    tree = pages.tree
    branch = tree.branches[0]
    await pages.evaluation.sources.record(
        [
            tree.event(branch, ms.PartyReferral(referral_id="r-1", member_id="m-1", referred_on=date(2026, 3, 2)), date(2026, 3, 2)),
            tree.event(branch, ms.PartyReferral(referral_id="r-2", member_id="m-2", referred_on=date(2026, 3, 9)), date(2026, 3, 9)),
            tree.event(branch, ms.PartyAdmissionDecided(referral_id="r-1", member_id="m-1", decided_on=date(2026, 9, 1), admitted=True), date(2026, 9, 1)),
            tree.event(tree.union, ms.YouthCensusRecorded(unit_id=tree.union, as_of=date(2026, 6, 30), counts={"total": 80, "health_insurance": 64, "xe_may": 3}), date(2026, 6, 30)),
        ]
    )  # fmt: skip
    await pages.evaluation.settled()


async def test_the_overview_export_has_ids_reasons_a_filtered_frozen_header_dates_and_the_figures(
    pages: Pages,
) -> None:
    await record_party_and_census(pages)
    answer = await pages.client.get("/units/bg-pl/export.xlsx", headers=officer())
    assert answer.status_code == 200, answer.text
    sheets = workbook(answer.content)
    unions, districts, figures = sheets
    no_formulas(sheets)

    header_row, headers, rows = table(unions, "Mã đơn vị")
    assert headers[:3] == ["Mã đơn vị", "Đoàn cơ sở", "Đơn vị trực thuộc"] and len(headers) == 10
    assert headers[-3:] == [
        "Lý do (chỉ tiêu không đạt, có nguy cơ không đạt)",
        "Bước công nhận",
        "Ngày đánh giá",
    ]
    assert unions.freeze_panes == f"A{header_row + 1}"
    assert unions.auto_filter.ref == f"A{header_row}:J{header_row + len(rows)}"
    (row,) = rows
    assert row["Mã đơn vị"] == "dcs-1" and row["Đoàn cơ sở"] == "Đơn vị dcs-1"
    assert row["Kết quả chung"] in {"Không đạt", "Có nguy cơ"}
    # Why: each failing, then at-risk indicator by its Vietnamese name, as evaluation lists them.
    listed = await pages.evaluation.client.get("/units/bg-pl/unions", headers=officer())
    reasons = listed.json()["items"][0]["reasons"]
    assert reasons and reasons[0]["status"] == "fail"
    words = {"fail": "Không đạt", "at_risk": "Có nguy cơ"}
    expected = [f"{words[r['status']]}: {r['indicator_id']} {tr('vi', r['name'])}" for r in reasons]
    assert str(row["Lý do (chỉ tiêu không đạt, có nguy cơ không đạt)"]).splitlines() == expected
    assert any(tr("vi", r["name"]) != r["name"] for r in reasons)  # names in Vietnamese, not the ids
    evaluated = unions.cell(row=header_row + 1, column=len(headers))
    assert evaluated.is_date and evaluated.number_format == "dd/mm/yyyy"
    assert isinstance(evaluated.value, datetime)
    # Who issued it, and when: the officer's unit, today (a date), the officer by name.
    issued = {r[0]: r[1] for r in unions.iter_rows(min_row=2, max_row=header_row - 1, values_only=True)}
    assert issued["Đơn vị"] == "Đơn vị bg-pl" and issued["Người lập"] == OFFICER
    assert issued["Ngày lập"] == datetime.combine(today(), datetime.min.time())
    assert districts.auto_filter.ref is not None and districts.freeze_panes is not None

    # The figures of the district and of each unit below it: Party referrals, admissions, the census.
    _, _, levels = table(figures, "Mã đơn vị")
    by_unit = {r["Mã đơn vị"]: r for r in levels}
    for unit in ("bg-pl", "dcs-1"):
        got = by_unit[unit]
        assert got["Giới thiệu đoàn viên ưu tú cho Đảng"] == 2 and got["Được kết nạp Đảng"] == 1, got
        assert (got["Tổng số thanh niên"], got["Có bảo hiểm y tế"], got["xe_may"]) == (80, 64, 3)
        assert got["Ngày điều tra"] == datetime(2026, 6, 30)
    assert figures["A1"].value == "Đơn vị bg-pl – Số liệu"

    page = (await pages.client.get("/units/bg-pl", headers=officer())).text
    card = page.split('id="figures"', 1)[1].split("</section>", 1)[0]
    assert "Có bảo hiểm y tế" in card and "Được kết nạp Đảng" in card and "30/06/2026" in card
    area = card.split('data-area="bg-pl"', 1)[1].split("</tr>", 1)[0]
    assert ">80<" in area and ">64<" in area and ">2<" in area

    english = await pages.client.get("/units/bg-pl/export.xlsx", params={"lang": "en"}, headers=officer())
    unions_en = workbook(english.content)[0]
    _, headers_en, rows_en = table(unions_en, "Unit id")
    assert "Reasons (failing and at-risk indicators)" in headers_en and "Evaluated on" in headers_en
    assert str(rows_en[0]["Reasons (failing and at-risk indicators)"]).startswith("Fail: ")
    assert rows_en[0]["Overall"] in {"Fail", "At risk"}
    assert {r[0] for r in unions_en.iter_rows(max_col=1, values_only=True)} >= {"Issuing unit", "Prepared by"}


async def test_the_pdf_names_the_issuing_unit_who_prepared_it_and_numbers_its_pages(pages: Pages) -> None:
    answer = await pages.client.get(
        "/units/dcs-1/export.pdf", params={"as_of": "2026-10-31"}, headers=officer()
    )
    assert answer.status_code == 200, answer.text
    reader = PdfReader(io.BytesIO(answer.content))
    texts = [p.extract_text() for p in reader.pages]
    count = len(texts)
    assert count >= 2
    first = texts[0].replace("\n", " ")
    day = today().strftime("%d/%m/%Y")
    assert f"Đơn vị: Đơn vị bg-pl · Ngày lập: {day} · Người lập: {OFFICER}" in first
    for number, text in enumerate(texts, start=1):
        assert f"Trang {number}/{count}" in text, (number, text[-200:])
        assert f"Đơn vị bg-pl · {day}" in text  # the footer of every page
    assert reader.metadata is not None and reader.metadata.author == OFFICER

    # Without a name in the token, the officer's user id; in English, "Page 1/2".
    unnamed = await pages.client.get(
        "/units/dcs-1/export.pdf", params={"lang": "en"}, headers=officer(name="")
    )
    text = PdfReader(io.BytesIO(unnamed.content)).pages[0].extract_text()
    assert "Prepared by: officer-pl" in text.replace("\n", " ") and re.search(r"Page 1/\d+", text)


async def test_an_advisory_outcome_shows_its_subject_result_and_note_in_the_drill_down_and_export(
    pages: Pages,
) -> None:
    tree = pages.tree
    events = []
    for number, (subject, outcome, note) in enumerate(
        [
            ("Thành lập đội thanh niên tình nguyện xã", pl.AdvisoryOutcome.ADOPTED, "Cấp ủy giao UBND xã hỗ trợ kinh phí"),
            (FORMULA, pl.AdvisoryOutcome.NOT_ADOPTED, FORMULA),
        ],
        start=1,
    ):  # fmt: skip
        stream = f"proposal-adv-{number}"
        submitted = pl.AdvisoryProposalSubmitted(
            proposal_id=f"adv-{number}",
            unit_id=tree.union,
            submitted_to=pl.AdvisoryTarget.PARTY_COMMITTEE,
            subject=subject,
            submitted_on=date(2026, 3, number),
        )
        decided = pl.AdvisoryOutcomeRecorded(
            proposal_id=f"adv-{number}",
            unit_id=tree.union,
            outcome=outcome,
            recorded_on=date(2026, 4, 10 + number),
            note=note,
        )
        events += [
            tree.event(tree.union, submitted, submitted.submitted_on, stream),
            tree.event(tree.union, decided, decided.recorded_on, stream),
        ]
    await pages.evaluation.sources.record(events)
    await pages.evaluation.settled()

    drill = (await pages.client.get("/units/dcs-1/indicators/C3.2", headers=officer())).text
    words = drill.split('id="events"', 1)[1].split("</table>", 1)[0]
    assert (
        "“Thành lập đội thanh niên tình nguyện xã” (gửi cấp ủy) · kết quả: được tiếp thu · "
        "ghi chú: Cấp ủy giao UBND xã hỗ trợ kinh phí"
    ) in words
    assert "kết quả: chưa được tiếp thu" in words
    english = (
        await pages.client.get("/units/dcs-1/indicators/C3.2", params={"lang": "en"}, headers=officer())
    ).text
    assert "(to the Party committee) · result: adopted · note: Cấp ủy giao UBND xã hỗ trợ kinh phí" in english

    answer = await pages.client.get("/units/dcs-1/export.xlsx", headers=officer())
    sheets = workbook(answer.content)
    no_formulas(sheets)
    proposals = sheets[1]
    assert proposals["A1"].value == "Đơn vị dcs-1 – Đề xuất tham mưu"
    header_row, _, rows = table(proposals, "Ngày đề xuất")
    assert (
        proposals.freeze_panes == f"A{header_row + 1}"
        and proposals.auto_filter.ref == f"A{header_row}:G{header_row + 2}"
    )
    first, second = rows
    assert first["Ngày đề xuất"] == datetime(2026, 3, 1) and first["Ngày ghi nhận kết quả"] == datetime(
        2026, 4, 11
    )
    assert (first["Gửi đến"], first["Kết quả tham mưu"]) == ("cấp ủy", "được tiếp thu")
    assert first["Nội dung đề xuất"] == "Thành lập đội thanh niên tình nguyện xã"
    assert first["Ghi chú"] == "Cấp ủy giao UBND xã hỗ trợ kinh phí" and first["Mã đề xuất"] == "adv-1"
    assert (second["Nội dung đề xuất"], second["Ghi chú"]) == (FORMULA, FORMULA)  # text, never a formula
    dated = proposals.cell(row=header_row + 1, column=1)
    assert dated.is_date and dated.number_format == "dd/mm/yyyy"


async def test_two_unions_whose_names_share_31_characters_keep_distinct_tabs_and_their_full_names(
    pages: Pages,
) -> None:
    tree = pages.tree
    prefix = "Đoàn cơ sở Công ty Cổ phần Điện lực Phước Long"
    assert len(prefix) > 31
    names = {tree.union: f"{prefix} – Chi nhánh Bù Đăng", "dcs-2": f"{prefix} – Chi nhánh Đồng Xoài"}
    on = date(2026, 1, 5)
    registered = NewEvent(
        "unit-dcs-2",
        ms.UnitRegistered(
            unit_id="dcs-2",
            name=names["dcs-2"],
            level=UnitLevel.GRASSROOTS,
            unit_type=UnitType.COMMUNE_WARD,
            parent_id=tree.district,
        ),
        f"{tree.paths[tree.district]}.dcs-2",
        at(on),
    )
    renamed = tree.event(
        tree.union, ms.UnitRenamed(unit_id=tree.union, name=names[tree.union]), on, f"unit-{tree.union}"
    )
    proposal = pl.AdvisoryProposalSubmitted(
        proposal_id="adv-9",
        unit_id=tree.union,
        submitted_to=pl.AdvisoryTarget.GOVERNMENT,
        subject="Sân chơi cho thiếu nhi",
        submitted_on=date(2026, 2, 2),
    )
    await pages.evaluation.sources.record(
        [registered, renamed, tree.event(tree.union, proposal, proposal.submitted_on)]
    )
    await pages.evaluation.settled()
    directory = pages.dashboard.state.runtime.directory

    async def renamed_known() -> bool:
        found = [await directory.get(u) for u in names]
        return all(u is not None and u.name == names[u.unit_id] for u in found)

    await wait_until(renamed_known, what="the dashboard's copy of the renamed unions")

    union = workbook((await pages.client.get(f"/units/{tree.union}/export.xlsx", headers=officer())).content)
    titles = [s.title for s in union]
    assert len(set(titles)) == 2 and all(len(t) <= 31 for t in titles)
    assert titles[1] == titles[0][:27].rstrip() + " (2)"
    assert [s["A1"].value for s in union] == [
        f"{names[tree.union]} – Giải thích",
        f"{names[tree.union]} – Đề xuất tham mưu",
    ]
    overview = workbook((await pages.client.get("/units/bg-pl/export.xlsx", headers=officer())).content)
    _, _, rows = table(overview[0], "Mã đơn vị")
    assert {r["Mã đơn vị"]: r["Đoàn cơ sở"] for r in rows} == names  # the full names, by id
    assert len({s.title for s in overview}) == 3
