"""An example year workbook (sổ nhập số liệu năm mẫu): one commune union's year on paper, every sheet filled.

Đoàn xã Minh Sơn (Hữu Lũng, Lạng Sơn; invented people, real place names) with three branches, one of them
founded in April of the year: its meetings start then. The record is that of a union doing its duties,
so that once imported the union is judged as its paper record implies (docs/import.md says indicator by
indicator what that is). The same year gives the same workbook.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from chudong.demo import names
from services.membership.domain.year_import.cells import PeriodKind
from services.membership.domain.year_import.workbook import ReportKind
from shared.contracts.membership import Rating
from shared.contracts.org import UnitLevel, UnitType
from shared.contracts.planning import AdvisoryOutcome, AdvisoryTarget, MeetingKind, PlanKind, ProjectKind

PROVINCE, DISTRICT, UNION = "ls", "ls-huulung", "ls-huulung-minhson"
BRANCHES = (
    (f"{UNION}-cd01", "Chi đoàn thôn Đồng Tâm", 8),
    (f"{UNION}-cd02", "Chi đoàn thôn Hòa Lạc", 7),
    (f"{UNION}-cd03", "Chi đoàn thôn Tân Lập", 5),
)
NEW_BRANCH = f"{UNION}-cd03"
"""Founded on 1 April of the year: its meetings, and its members' time in it, start then."""


def example_rows(year: int) -> dict[str, list[dict[str, Any]]]:
    """Every sheet's rows for ``year``, as typed values by column key."""
    return YearOnPaper(year).rows()


class YearOnPaper:
    def __init__(self, year: int) -> None:
        self.year = year
        self.rng = random.Random(f"minh-son-{year}")
        self.members: list[dict[str, Any]] = []
        self.sheets: dict[str, list[dict[str, Any]]] = {}

    def day(self, month: int, day: int, year: int | None = None) -> date:
        return date(year or self.year, month, day)

    def founded(self, branch_id: str) -> date:
        return self.day(4, 1) if branch_id == NEW_BRANCH else date(1995, 3, 26)

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        self.sheets = {
            "units": self.units(),
            "members": self.admissions(),
        }
        self.sheets |= {
            "meetings": self.meetings(),
            "plans": self.plans(),
            "activities": self.activities(),
            "projects": self.projects(),
            "proposals": self.proposals(),
            "agreements": self.agreements(),
            "joint_activities": self.joint_activities(),
            "ratings": self.ratings(),
            "referrals": self.referrals(),
            "reports": self.reports(),
        }
        return self.sheets

    def units(self) -> list[dict[str, Any]]:
        def unit(uid: str, name: str, level: UnitLevel, parent: str, founded: date) -> dict[str, Any]:
            kind = (
                UnitType.COMMUNE_WARD if level in (UnitLevel.GRASSROOTS, UnitLevel.BRANCH) else UnitType.OTHER
            )
            return {"unit_id": uid, "name": name, "level": level, "unit_type": kind, "parent_id": parent,
                    "established_on": founded}  # fmt: skip

        return [
            unit(PROVINCE, "Tỉnh đoàn Lạng Sơn", UnitLevel.PROVINCE, "vn", date(1961, 3, 26)),
            unit(DISTRICT, "Huyện đoàn Hữu Lũng", UnitLevel.DISTRICT, PROVINCE, date(1961, 3, 26)),
            unit(UNION, "Đoàn xã Minh Sơn", UnitLevel.GRASSROOTS, DISTRICT, date(1976, 3, 26)),
            *(
                unit(branch, name, UnitLevel.BRANCH, UNION, self.founded(branch))
                for branch, name, _ in BRANCHES
            ),
        ]

    def admissions(self) -> list[dict[str, Any]]:
        """Members on the rolls before the year, and one new member a branch during it ("1+1")."""
        number = 0
        for branch, _, count in BRANCHES:
            for index in range(count):
                number += 1
                new = index == count - 1
                if branch == NEW_BRANCH:
                    joined = self.day(4, 1) + timedelta(days=index * 3 + (60 if new else 0))
                else:
                    joined = self.day(5, 1 + index, self.year - 1 - index % 4) if not new else self.day(6, 10)
                referrer = self.members[-1]["member_id"] if new and self.members else None
                self.members.append(self.member(number, branch, joined, referrer))
        return self.members

    def member(self, number: int, branch: str, joined: date, referrer: str | None) -> dict[str, Any]:
        rng = self.rng
        given = names.GIVEN[number % len(names.GIVEN)]
        gender = "female" if given in {"Chi", "Hà", "Hằng", "Hoa", "Huyền", "Lan", "Linh", "Mai", "Nga",
                                       "Ngân", "Phương", "Thảo", "Trang", "Uyên", "Vy", "Yến"} else "male"  # fmt: skip
        middle = "Thị" if gender == "female" else rng.choice(("Văn", "Đức", "Minh", "Quang"))
        age = rng.randint(17, 24)
        born = date(joined.year - age, rng.randint(1, 12), rng.randint(1, 28))
        return {
            "member_id": f"ms-{number:03d}",
            "full_name": f"{rng.choice(names.FAMILY)} {middle} {given}",
            "birth_date": born,
            "gender": gender,
            "ethnicity": rng.choice(("Kinh", "Kinh", "Tày", "Nùng")),
            "address": f"Thôn {dict((b, n) for b, n, _ in BRANCHES)[branch].removeprefix('Chi đoàn thôn ')}, xã Minh Sơn",
            "branch_id": branch,
            "joined_on": joined,
            "admission_decision_ref": f"{number}/QĐ-ĐTN",
            "referred_by": referrer,
        }

    def on_rolls(self, branch: str, day: date) -> list[str]:
        return [m["member_id"] for m in self.members if m["branch_id"] == branch and m["joined_on"] <= day]

    def meetings(self) -> list[dict[str, Any]]:
        rows = []
        for branch, _, _ in BRANCHES:
            for month in range(1, 13):
                held = self.day(month, 5 + self.rng.randint(0, 4))
                if held < self.founded(branch):
                    continue
                members = self.on_rolls(branch, held)
                present = sorted(self.rng.sample(members, max(1, round(len(members) * 0.85))))
                kind = MeetingKind.THEMATIC if month in (3, 9) else MeetingKind.PERIODIC
                rows.append({"branch_id": branch, "held_on": held, "kind": kind, "attendees": tuple(present),
                             "agenda": f"Sinh hoạt tháng {month}/{self.year}"})  # fmt: skip
        return rows

    def plans(self) -> list[dict[str, Any]]:
        return [
            {
                "unit_id": UNION,
                "year": self.year,
                "kind": PlanKind.ANNUAL_PLAN,
                "title": f"Kế hoạch công tác Đoàn và phong trào thanh niên năm {self.year}",
                "submitted_on": self.day(1, 8),
                "approved_on": self.day(1, 15),
                "party_submitted_on": self.day(1, 10),
                "party_opinion_on": self.day(1, 20),
                "party_opinion": "Đảng ủy xã nhất trí với kế hoạch.",
            }
        ]

    def activities(self) -> list[dict[str, Any]]:
        titles = (
            ("Ra quân Tháng Thanh niên", 3, 26, 2, 45),
            ("Hiến máu tình nguyện", 6, 14, 3, 30),
            ("Tiếp sức mùa thi", 7, 1, 2, 25),
            ("Trung thu cho thiếu nhi", 9, 15, 1, 60),
            ("Giải bóng đá thanh niên", 11, 8, 2, 0),
        )
        rows = []
        for n, (title, month, day, criterion, people) in enumerate(titles, start=1):
            row: dict[str, Any] = {"activity_id": f"ms-hd-{n:02d}", "unit_id": UNION, "title": title,
                                   "scheduled_on": self.day(month, day), "criterion": criterion}  # fmt: skip
            if people:
                row |= {"held_on": self.day(month, day), "participants": people}
            else:
                row |= {
                    "cancelled_on": self.day(month, day - 3),
                    "cancel_reason": "Mưa bão, hoãn sang năm sau",
                }
            rows.append(row)
        return rows

    def projects(self) -> list[dict[str, Any]]:
        return [
            {"project_id": "ms-ct-01", "unit_id": UNION, "title": "Thắp sáng đường quê thôn Hòa Lạc",
             "kind": ProjectKind.PROJECT, "year": self.year, "registered_on": self.day(3, 1),
             "completed_on": self.day(9, 30), "value_vnd": 45_000_000},
        ]  # fmt: skip

    def proposals(self) -> list[dict[str, Any]]:
        return [
            {"proposal_id": "ms-tm-01", "unit_id": UNION, "submitted_to": AdvisoryTarget.PARTY_COMMITTEE,
             "subject": "Đề xuất giao thanh niên quản lý sân thể thao xã", "submitted_on": self.day(2, 20),
             "outcome": AdvisoryOutcome.ADOPTED, "outcome_on": self.day(3, 15)},
            {"proposal_id": "ms-tm-02", "unit_id": UNION, "submitted_to": AdvisoryTarget.GOVERNMENT,
             "subject": "Đề xuất hỗ trợ vốn cho thanh niên khởi nghiệp", "submitted_on": self.day(7, 10)},
        ]  # fmt: skip

    def agreements(self) -> list[dict[str, Any]]:
        return [
            {"agreement_id": "ms-qc-01", "unit_id": UNION, "partner": "Hội Nông dân xã Minh Sơn",
             "signed_on": self.day(12, 15, self.year - 1)},
        ]  # fmt: skip

    def joint_activities(self) -> list[dict[str, Any]]:
        return [
            {"agreement_id": "ms-qc-01", "held_on": self.day(4, 12), "title": "Tập huấn kỹ thuật trồng na"},
            {"agreement_id": "ms-qc-01", "held_on": self.day(10, 18), "title": "Hội chợ nông sản thanh niên"},
        ]

    def ratings(self) -> list[dict[str, Any]]:
        rated_on = self.day(12, 20)
        eligible = [m for m in self.members if m["joined_on"] <= rated_on - timedelta(days=184)]
        kinds = (Rating.EXCELLENT, Rating.GOOD, Rating.GOOD, Rating.COMPLETED)
        return [
            {
                "member_id": m["member_id"],
                "year": self.year,
                "rating": kinds[i % len(kinds)],
                "rated_on": rated_on,
            }
            for i, m in enumerate(eligible)
        ]

    def referrals(self) -> list[dict[str, Any]]:
        return [
            {"referral_id": "ms-gt-01", "member_id": "ms-001", "referred_on": self.day(6, 15),
             "decision_ref": "05/GT-ĐTN", "admitted": True, "decided_on": self.day(11, 10)},
        ]  # fmt: skip

    def reports(self) -> list[dict[str, Any]]:
        year = str(self.year)

        def row(
            kind: ReportKind, on: date, period: str | None = None, unit: str = UNION, **more: Any
        ) -> dict[str, Any]:
            return {"unit_id": unit, "kind": kind, "period": PeriodKind().read(period, ()) if period else None,
                    "on": on, **more}  # fmt: skip

        rows = [row(ReportKind.MODEL_REGISTRATION, self.day(10, 25, self.year - 1), year)]
        for quarter in range(1, 5):
            last = self.day(3 * quarter, 25)
            rows.append(row(ReportKind.PERIODIC_REPORT, last, f"{year}-Q{quarter}"))
            rows.append(row(ReportKind.YOUTH_SITUATION, last, f"{year}-Q{quarter}",
                            content=f"Tình hình thanh niên quý {quarter}: ổn định."))  # fmt: skip
        for month in range(1, 13):
            rows.append(row(ReportKind.MONTHLY_TASKS, self.day(month, 2), f"{year}-{month:02d}",
                            content="Sinh hoạt chi đoàn định kỳ\nThu đoàn phí"))  # fmt: skip
        for branch, _, _ in BRANCHES:
            rows.append(row(ReportKind.ROSTER_REVIEW, self.founded(branch) + timedelta(days=14)
                            if branch == NEW_BRANCH else self.day(1, 15), unit=branch))  # fmt: skip
        rows += [
            row(ReportKind.HARDSHIP_REVIEW, self.day(3, 10)),
            row(ReportKind.HARDSHIP_REVIEW, self.day(9, 10)),
            row(ReportKind.PARTY_BRIEFING, self.day(5, 20), content="Công tác Đoàn 6 tháng đầu năm"),
            row(ReportKind.PARTY_BRIEFING, self.day(11, 20), content="Công tác Đoàn năm " + year),
            row(ReportKind.DIALOGUE, self.day(8, 15), content="Bí thư Đảng ủy xã\nChủ tịch UBND xã",
                participants=60),
            row(ReportKind.MID_YEAR_REVIEW, self.day(6, 28), year),
            row(ReportKind.YEAR_END_REVIEW, self.day(12, 22), year),
            row(ReportKind.SELF_ASSESSMENT, self.day(12, 10), year),
        ]  # fmt: skip
        return rows
