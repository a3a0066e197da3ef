"""One union's life (sinh hoạt của một Đoàn cơ sở): members, branch meetings, plans, reports, advice.

What each profile does differently is what ``chudong explain`` will later give as the reason:
a *struggling* union misses two core duties (meetings, the plan to the Party committee, a
coordination agreement, a complete roster, transfers, advisory proposals); a *slipping* one
leaves year-end duties (ratings, the year-end review, the self-assessment, this month's meeting)
until late; a *steady* one skips the optional training programme; an *exemplary* one does it all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from chudong.demo import names
from services.evaluation.domain.streams import recognition_stream
from services.membership.domain.profile import birthday
from services.membership.domain.streams import member_stream, unit_stream
from services.planning.domain import streams as ps
from services.planning.domain.plans import plan_id_of
from shared.clock import start_of_day
from shared.contracts import evaluation as ev
from shared.contracts import membership as ms
from shared.contracts import planning as pl
from shared.contracts.org import UnitLevel, UnitType
from shared.events import Event

if TYPE_CHECKING:
    from chudong.demo.generator import DemoEvent, Generator, UnionPlan


@dataclass(slots=True)
class Member:
    member_id: str
    branch_id: str
    birth: date
    joined: date
    left: date | None = None  # matured (trưởng thành) on this day
    in_branch_since: date | None = None
    # Between two branches (chuyển sinh hoạt): from the request until the new branch accepts.
    away: list[tuple[date, date]] = field(default_factory=list)
    # The branches accepted into, each from the day it accepted them (``branch_id`` is the last).
    moves: list[tuple[date, str]] = field(default_factory=list)
    first_branch_id: str = ""

    def __post_init__(self) -> None:
        self.first_branch_id = self.first_branch_id or self.branch_id

    def branch_on(self, day: date) -> str:
        """The branch whose list has the member on ``day`` (while moving: the one they are leaving)."""
        branch = self.first_branch_id
        for accepted, target in self.moves:
            if accepted <= day:
                branch = target
        return branch

    def on_rolls_in(self, branch: str, day: date) -> bool:
        """On ``branch``'s list on ``day``: admitted, not yet aged out, between branches or not."""
        if self.joined > day or (self.left is not None and day >= self.left):
            return False
        return self.branch_on(day) == branch

    def rateable_on(self, day: date) -> bool:
        """Only members with six months in their branch are rated (xếp loại)."""
        since = self.in_branch_since or self.joined
        months = (day.year - since.year) * 12 + day.month - since.month - (day.day < since.day)
        return self.active_on(day) and months >= 6

    def active_on(self, day: date) -> bool:
        if self.joined > day or (self.left is not None and day >= self.left):
            return False
        return not any(start <= day <= end for start, end in self.away)


def _day(rng: random.Random, year: int, month: int, first: int = 1, last: int = 28) -> date:
    return date(year, month, rng.randint(first, last))


def _six_months_after(day: date) -> date:
    month = day.month + 6
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, min(day.day, 28))


def _months(start: date, end: date) -> list[tuple[int, int]]:
    months, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


class UnionLife:
    def __init__(self, generator: Generator, union: UnionPlan) -> None:
        self.g, self.u = generator, union
        self.rng = generator.rng("life", union.unit_id)
        self.until = generator.until
        self.events: list[tuple[date, int, DemoEvent]] = []
        self.in_branch: list[tuple[int, Member, date]] = []  # member events, and the day of each
        self.members: list[Member] = []
        self.branch_paths = {b: f"{union.path}.{b}" for b, _ in union.branches}
        self.school = union.unit_type is UnitType.SCHOOL
        self.seq = 0

    # recording

    def emit(
        self,
        service: str,
        stream: str,
        payload: Event,
        day: date,
        path: str | None = None,
        *,
        personal: dict[str, Any] | None = None,
        occurred: date | None = None,
    ) -> None:
        """Record ``payload`` on ``day`` (the history's order); it occurred on ``occurred`` if another day,
        as the service that records it dates it (an activity, say, is dated the day it is scheduled for)."""
        from chudong.demo.generator import DemoEvent

        if day > self.until:
            return  # the future has not happened yet
        self.seq += 1
        at = start_of_day(occurred or day)
        event = DemoEvent(service, stream, payload, path or self.u.path, at, personal)
        self.events.append((max(day, self.g.begins), self.seq, event))

    def member_event(self, m: Member, payload: Event, day: date) -> None:
        """Recorded in the branch whose list has the member that day, as membership records it: known
        once the history is (a move later in the year may be generated after it), so settled then."""
        recorded = len(self.events)
        self.emit("membership", member_stream(m.member_id), payload, day, self.branch_paths[m.branch_id])
        if len(self.events) > recorded:
            self.in_branch.append((recorded, m, day))

    def settle_branches(self) -> None:
        for index, m, day in self.in_branch:
            sort_day, seq, event = self.events[index]
            self.events[index] = (
                sort_day,
                seq,
                replace(event, unit_path=self.branch_paths[m.branch_on(day)]),
            )

    def has(self, fault: str) -> bool:
        return fault in self.u.faults

    # the history

    def history(self) -> list[DemoEvent]:
        self.register()
        for branch, count in self.u.branches:
            for _ in range(count):
                joined = self._old_join_date()
                # Everyone is under 30 when the history starts; some reach 30 during it.
                oldest = 29 - (self.g.begins - joined).days // 365
                self.admit(branch, joined, referred_by=None, age=self.rng.randint(16, max(16, oldest)))
        for year in self.cycles():
            self.year(year)
        self.settle_branches()
        self.events.sort(key=lambda e: (e[0], e[1]))
        return [e for _, _, e in self.events]

    def cycles(self) -> list[int]:
        last = self.until.year + 1 if self.school and self.until.month >= 9 else self.until.year
        return list(range(self.until.year - self.g.years + 1, last + 1))

    def bounds(self, year: int) -> tuple[date, date]:
        if self.school:
            return date(year - 1, 9, 1), date(year, 8, 31)
        return date(year, 1, 1), date(year, 12, 31)

    def register(self) -> None:
        """The union and its branches, registered with the day they were founded (long before the history)."""
        from chudong.demo.generator import _unit

        established = self.u.established_on
        parent = self.u.path.rsplit(".", 2)[-2]
        self.events.append((self.g.begins, 0, _unit(
            self.u.unit_id, self.u.name, UnitLevel.GRASSROOTS, self.u.unit_type, parent, self.u.path, established,
            self.u.recognising_unit_id,
        )))  # fmt: skip
        for i, (branch, _) in enumerate(self.u.branches):
            name = self.u.branch_name(i)
            self.events.append((self.g.begins, i + 1, _unit(
                branch, name, UnitLevel.BRANCH, self.u.unit_type, self.u.unit_id, self.branch_paths[branch],
                established,
            )))  # fmt: skip
        self.seq = len(self.u.branches) + 1

    def _old_join_date(self) -> date:
        return self.g.begins - timedelta(days=self.rng.randint(60, 5 * 365))

    def admit(self, branch: str, joined: date, referred_by: str | None, age: int | None = None) -> Member:
        rng = self.rng
        age = age if age is not None else rng.randint(16, 25)
        birth = joined - timedelta(days=age * 365 + rng.randint(0, 364))
        m = Member(f"m-{self.u.unit_id}-{len(self.members) + 1:05d}", branch, birth, joined)
        self.members.append(m)
        personal: dict[str, Any] = {
            "full_name": names.person_name(rng),
            "birth_date": birth.isoformat(),
            "gender": rng.choice(("male", "female")),
            "ethnicity": rng.choice(names.ETHNICITIES),
            "address": f"Thôn {rng.randint(1, 12)}, {self.u.name.removeprefix('Đoàn cơ sở ')}",
        }
        religion = rng.choice(names.RELIGIONS)
        if religion:
            personal["religion"] = religion
        if self.has("roster") and rng.random() < 0.25:
            del personal["address"]
            del personal["ethnicity"]
        missing = tuple(
            f for f in ("full_name", "birth_date", "gender", "ethnicity", "address") if f not in personal
        )
        payload = ms.MemberJoined(
            member_id=m.member_id,
            branch_id=branch,
            joined_on=joined,
            admission_decision_ref=f"{len(self.members)}/QĐ-ĐTN",
            referred_by=referred_by,
            birth_year=birth.year,
            missing_fields=missing,
        )
        self.emit(
            "membership",
            member_stream(m.member_id),
            payload,
            joined,
            self.branch_paths[branch],
            personal=personal,
        )
        if referred_by is not None and not self.has("no_training"):
            year = joined.year + 1 if self.school and joined.month >= 9 else joined.year
            registered = ms.TrainingProgrammeRegistered(member_id=m.member_id, year=year)
            self.member_event(m, registered, joined + timedelta(days=7))
        return m

    def active(self, on: date) -> list[Member]:
        return [m for m in self.members if m.active_on(on)]

    def year(self, year: int) -> None:
        start, end = self.bounds(year)
        current = start <= self.until <= end
        self.plans(year, start)
        self.membership_year(year, start, end, current)
        for y, mo in _months(start, end):
            self.month(y, mo, current)
        for q in range(4):
            self.quarter(start, q)
        self.work(year, start, end, current)
        self.advice(year, start)
        self.census(year, start)

    def census(self, year: int, start: date) -> None:
        """The youth of the area counted once a year (nắm tình hình thanh niên), as counts only.

        Its own random numbers, so the rest of the history is the same with or without it."""
        rng, unit = random.Random(f"census-{self.u.unit_id}-{year}"), self.u.unit_id
        on = start + timedelta(days=240 + rng.randint(0, 30))
        total = max(30, len(self.members) * rng.randint(3, 5))
        counts = {
            "total": total,
            "health_insurance": round(total * rng.uniform(0.82, 0.97)),
            "ethnic_minority": round(total * rng.uniform(0.0, 0.2)),
        }
        self.emit(
            "membership", unit_stream(unit), ms.YouthCensusRecorded(unit_id=unit, as_of=on, counts=counts), on
        )

    # criterion 2: plans, meetings, tasks, reports, activities

    def plans(self, year: int, start: date) -> None:
        rng, unit = self.rng, self.u.unit_id
        # By 10 November of the year before the evaluation year begins (the rules' deadline).
        registered = _day(rng, start.year - 1, 10, 5, 28)
        self.emit("planning", ps.model_stream(unit, year), pl.ModelRegistered(
            unit_id=unit, year=year, registered_on=registered, recognising_unit_id=self.u.recognising_unit_id,
        ), registered)  # fmt: skip
        plan_id = plan_id_of(unit, year, pl.PlanKind.ANNUAL_PLAN)
        stream = ps.plan_stream(plan_id)
        drafted = start + timedelta(days=rng.randint(2, 8))
        self.emit("planning", stream, pl.PlanDrafted(
            plan_id=plan_id, unit_id=unit, year=year, kind=pl.PlanKind.ANNUAL_PLAN,
            title=f"Kế hoạch công tác Đoàn năm {year}",
        ), drafted)  # fmt: skip
        late = self.has("party_plan")
        to_party = drafted + timedelta(days=rng.randint(40, 70) if late else rng.randint(3, 14))
        if not self.school:
            to_party = min(to_party, date(year, 1, 28)) if not late else max(to_party, date(year, 2, 10))
        self.emit("planning", stream, pl.PlanSubmitted(
            plan_id=plan_id, unit_id=unit, year=year, submitted_to=pl.SubmittedTo.PARTY_COMMITTEE,
            submitted_on=to_party,
        ), to_party)  # fmt: skip
        opinion = to_party + timedelta(days=rng.randint(2, 7))
        self.emit("planning", stream, pl.PartyCommitteeOpinionRecorded(
            plan_id=plan_id, unit_id=unit, year=year, recorded_on=opinion, opinion="Nhất trí với kế hoạch",
        ), opinion)  # fmt: skip
        upward = opinion + timedelta(days=rng.randint(1, 5))
        self.emit("planning", stream, pl.PlanSubmitted(
            plan_id=plan_id, unit_id=unit, year=year, submitted_to=pl.SubmittedTo.UPPER_LEVEL, submitted_on=upward,
        ), upward)  # fmt: skip
        approved = upward + timedelta(days=rng.randint(3, 10))
        self.emit("planning", stream, pl.PlanApproved(
            plan_id=plan_id, unit_id=unit, year=year, kind=pl.PlanKind.ANNUAL_PLAN, approved_on=approved,
            approved_by_unit_id=self.u.recognising_unit_id,
        ), approved)  # fmt: skip

    def month(self, y: int, mo: int, current: bool) -> None:
        rng, unit = self.rng, self.u.unit_id
        month = f"{y}-{mo:02d}"
        assigned = _day(rng, y, mo, 1, 6)
        branches = tuple(b for b, _ in self.u.branches)
        self.emit("planning", ps.tasks_stream(unit, month), pl.MonthlyTasksAssigned(
            unit_id=unit, month=month, assigned_on=assigned, branch_ids=branches,
            tasks=("Sinh hoạt chi đoàn định kỳ", rng.choice(names.ACTIVITIES)),
        ), assigned)  # fmt: skip
        miss = 0.22 if self.has("meetings") else 0.03 if self.u.profile == "steady" else 0.01
        this_month = (y, mo) == (self.until.year, self.until.month)
        sizes: dict[str, int] = {}
        mid = date(y, mo, 15)
        for m in self.active(mid):
            sizes[m.branch_on(mid)] = sizes.get(m.branch_on(mid), 0) + 1
        for i, (branch, _) in enumerate(self.u.branches):
            held = _day(rng, y, mo, 5, 25)
            if rng.random() < miss or (this_month and self.has("meeting_now") and i == 0):
                continue
            expected = sizes.get(branch, 0)
            if expected == 0:
                continue
            low, high = (0.55, 0.8) if self.has("meetings") else (0.7, 0.98)
            present = max(1, min(expected, round(expected * rng.uniform(low, high))))
            meeting_id = f"sh-{branch}-{month}"
            self.emit("planning", ps.meeting_stream(meeting_id), pl.BranchMeetingHeld(
                meeting_id=meeting_id, branch_id=branch, held_on=held, kind=pl.MeetingKind.PERIODIC,
                present_count=present, expected_count=expected, agenda="Sinh hoạt chi đoàn định kỳ",
            ), held, self.branch_paths[branch])  # fmt: skip

    def quarter(self, start: date, q: int) -> None:
        rng, unit = self.rng, self.u.unit_id
        month = start.month + 3 * q
        y, mo = start.year + (month - 1) // 12, (month - 1) % 12 + 1
        qn = (mo - 1) // 3 + 1
        period = f"{y}-Q{qn}"
        after = date(y + (mo + 2) // 12, (mo + 2) % 12 + 1, 1)  # the first day after the quarter
        on = after + timedelta(days=rng.randint(0, 8))
        self.emit("membership", unit_stream(unit), ms.YouthSituationReported(
            unit_id=unit, quarter=period, submitted_on=on, summary="Tình hình thanh niên ổn định",
        ), on)  # fmt: skip
        on = after + timedelta(days=rng.randint(0, 8))
        self.emit("planning", ps.report_stream(unit, period), pl.PeriodicReportSubmitted(
            unit_id=unit, period=period, submitted_on=on,
        ), on)  # fmt: skip

    def work(self, year: int, start: date, end: date, current: bool) -> None:
        rng, unit = self.rng, self.u.unit_id
        for n in range(rng.randint(4, 8)):
            activity_id = f"hd-{unit}-{year}-{n + 1}"
            on = start + timedelta(days=rng.randint(20, 330))
            stream = ps.record_stream("activity", activity_id)
            # Scheduled two weeks ahead; planning dates the record the day it is scheduled for.
            self.emit("planning", stream, pl.ActivityScheduled(
                activity_id=activity_id, unit_id=unit, title=rng.choice(names.ACTIVITIES),
                scheduled_on=on, criterion=2,
            ), on - timedelta(days=14), occurred=on)  # fmt: skip
            if rng.random() < 0.92:
                self.emit("planning", stream, pl.ActivityHeld(
                    activity_id=activity_id, unit_id=unit, held_on=on, participants=rng.randint(15, 120),
                ), on)  # fmt: skip
            else:
                self.emit("planning", stream, pl.ActivityCancelled(
                    activity_id=activity_id, unit_id=unit, cancelled_on=on - timedelta(days=2),
                    reason="Thời tiết xấu",
                ), on - timedelta(days=2))  # fmt: skip
        project_id = f"ct-{unit}-{year}"
        registered = start + timedelta(days=rng.randint(30, 80))
        self.emit("planning", ps.record_stream("project", project_id), pl.YouthProjectRegistered(
            project_id=project_id, unit_id=unit, title=rng.choice(names.PROJECTS), kind=pl.ProjectKind.PROJECT,
            registered_on=registered, year=year,
        ), registered)  # fmt: skip
        if rng.random() < 0.9:
            done = registered + timedelta(days=rng.randint(90, 200))
            self.emit("planning", ps.record_stream("project", project_id), pl.YouthProjectCompleted(
                project_id=project_id, unit_id=unit, completed_on=done, value_vnd=rng.randint(5, 200) * 1_000_000,
            ), done)  # fmt: skip
        mid = start + timedelta(days=rng.randint(185, 200))
        self.emit("planning", ps.review_stream(unit, year, pl.ReviewKind.MID_YEAR), pl.ReviewHeld(
            unit_id=unit, year=year, kind=pl.ReviewKind.MID_YEAR, held_on=mid,
        ), mid)  # fmt: skip
        # The year-end review, the ratings and the self-assessment come in the last weeks.
        closing = end - timedelta(days=rng.randint(36, 50))
        late = current and self.u.profile == "slipping"
        if not (late and self.has("review")):
            self.emit("planning", ps.review_stream(unit, year, pl.ReviewKind.YEAR_END), pl.ReviewHeld(
                unit_id=unit, year=year, kind=pl.ReviewKind.YEAR_END, held_on=closing,
            ), closing)  # fmt: skip
        if not (late and self.has("self_assessment")):
            on = closing + timedelta(days=2)
            self.emit("evaluation", recognition_stream(unit, year), ev.SelfAssessmentSubmitted(
                unit_id=unit, year=year, submitted_on=on, claims={"1": "pass", "2": "pass", "3": "pass"},
            ), on)  # fmt: skip
        dialogue = start + timedelta(days=rng.randint(60, 150))
        self.emit("planning", ps.dialogue_stream(f"dl-{unit}-{year}"), pl.DialogueHeld(
            dialogue_id=f"dl-{unit}-{year}", unit_id=unit, held_on=dialogue, leaders=("Bí thư Đảng ủy", "Chủ tịch UBND"),
            participants=rng.randint(30, 150),
        ), dialogue)  # fmt: skip

    # criterion 3: advice to the Party committee, coordination

    def advice(self, year: int, start: date) -> None:
        rng, unit = self.rng, self.u.unit_id
        proposals = 1 if self.has("advice") else rng.randint(2, 3)
        for n in range(proposals):
            proposal_id = f"tm-{unit}-{year}-{n + 1}"
            on = start + timedelta(days=rng.randint(60, 250))
            self.emit("planning", ps.record_stream("proposal", proposal_id), pl.AdvisoryProposalSubmitted(
                proposal_id=proposal_id, unit_id=unit, submitted_to=rng.choice(list(pl.AdvisoryTarget)),
                subject="Cơ chế hỗ trợ thanh niên khởi nghiệp", submitted_on=on,
            ), on)  # fmt: skip
            if not self.has("advice") and (n == 0 or rng.random() < 0.5):
                outcome = on + timedelta(days=rng.randint(15, 45))
                self.emit("planning", ps.record_stream("proposal", proposal_id), pl.AdvisoryOutcomeRecorded(
                    proposal_id=proposal_id, unit_id=unit, outcome=pl.AdvisoryOutcome.ADOPTED, recorded_on=outcome,
                    note="Cấp ủy đồng ý, giao Đoàn chủ trì phối hợp thực hiện",
                ), outcome)  # fmt: skip
        for half in (0, 1):
            on = start + timedelta(days=rng.randint(40, 150) + 182 * half)
            self.emit("planning", ps.party_briefing_stream(f"{unit}-{year}-{half + 1}"), pl.PartyCommitteeBriefed(
                unit_id=unit, briefed_on=on, topic="Tình hình công tác Đoàn",
            ), on)  # fmt: skip
        if self.has("agreement"):
            return
        agreement_id = f"pk-{unit}"
        if year == self.cycles()[0]:
            signed = start + timedelta(days=rng.randint(5, 30))
            self.emit("planning", ps.record_stream("agreement", agreement_id), pl.CoordinationAgreementSigned(
                agreement_id=agreement_id, unit_id=unit, partner=rng.choice(names.PARTNERS), signed_on=signed,
            ), signed)  # fmt: skip
        for half in (0, 1):
            on = start + timedelta(days=rng.randint(40, 160) + 182 * half)
            joint_id = f"ph-{unit}-{year}-{half + 1}"
            self.emit("planning", ps.joint_activity_stream(joint_id), pl.JointActivityHeld(
                joint_activity_id=joint_id, agreement_id=agreement_id, unit_id=unit, held_on=on,
                title=rng.choice(names.ACTIVITIES),
            ), on)  # fmt: skip

    # criterion 1: members

    def membership_year(self, year: int, start: date, end: date, current: bool) -> None:
        rng, unit = self.rng, self.u.unit_id
        reviews = [(branch, start + timedelta(days=rng.randint(30, 75))) for branch, _ in self.u.branches]
        self.ageing(start, end)
        for half in (0, 1):
            on = start + timedelta(days=rng.randint(20, 60) + 182 * half)
            self.emit("membership", unit_stream(unit), ms.HardshipListReviewed(
                unit_id=unit, reviewed_on=on, open_cases=0,
            ), on)  # fmt: skip
        training = not self.has("no_training")
        if training:
            on = start + timedelta(days=rng.randint(20, 50))
            for m in self.active(on):
                self.member_event(m, ms.TrainingProgrammeRegistered(member_id=m.member_id, year=year), on)
        self.transfers(start)
        self.recruitment(year, start)
        self.party(start)
        # Year-end: ratings (and training results) before the self-assessment.
        rated_on = end - timedelta(days=rng.randint(45, 55))
        if not (current and self.has("ratings")):
            for m in self.active(rated_on):
                rating = rng.choices(list(ms.Rating), (0.2, 0.5, 0.27, 0.03))[0]
                if training:
                    self.member_event(m, ms.TrainingProgrammeEvaluated(
                        member_id=m.member_id, year=year, result=rating,
                    ), rated_on)  # fmt: skip
                # Six months in the branch first: a member who moved in this year is rated once they have them.
                day = (
                    rated_on if m.rateable_on(rated_on) else _six_months_after(m.in_branch_since or m.joined)
                )
                if day <= end - timedelta(days=1) and m.rateable_on(day):
                    self.member_event(m, ms.MemberRated(member_id=m.member_id, year=year, rating=rating), day)
        for m in self.active(end):
            decided = start + timedelta(days=rng.randint(30, 300))
            if rng.random() < 0.004 and m.active_on(decided):
                self.member_event(m, ms.MemberDisciplined(
                    member_id=m.member_id, level=ms.DisciplineLevel.REPRIMAND,
                    decision_ref=f"{rng.randint(1, 99)}/QĐKL-ĐTN", decided_on=decided,
                ), decided)  # fmt: skip
        self.roster_reviews(reviews)

    def roster_reviews(self, reviews: list[tuple[str, date]]) -> None:
        """Each branch's roster reviewed: membership counts the members on its list that day (those
        between two branches included), so the count waits until the year's admissions, moves and
        ageing out are known."""
        for branch, on in reviews:
            count = sum(m.on_rolls_in(branch, on) for m in self.members)
            self.emit("membership", unit_stream(branch), ms.BranchRosterReviewed(
                branch_id=branch, reviewed_on=on, active_members=count,
            ), on, self.branch_paths[branch])  # fmt: skip

    def ageing(self, start: date, end: date) -> None:
        rng = self.rng
        for m in self.active(end):
            turned = birthday(m.birth, 30)
            if turned > end:
                continue
            turned = max(turned, start)
            if rng.random() < 0.1:
                on = min(turned + timedelta(days=rng.randint(10, 60)), end)
                # A year at a time, to the end of the year it is granted in, never past 35.
                until = date(min(max(m.birth.year + 31, on.year), m.birth.year + 35), 12, 31)
                self.member_event(m, ms.MembershipExtended(
                    member_id=m.member_id, until=until, reason="Bí thư chi đoàn, gia hạn sinh hoạt",
                ), on)  # fmt: skip
                continue
            on = turned + timedelta(days=rng.randint(10, 80))
            m.left = on
            self.member_event(m, ms.MemberMatured(member_id=m.member_id, matured_on=on), on)

    def transfers(self, start: date) -> None:
        rng = self.rng
        branches = [b for b, _ in self.u.branches]
        if len(branches) < 2:
            return
        movers = [m for m in self.active(start) if rng.random() < 0.04]
        for k, m in enumerate(movers):
            # After the year's training registration (day 20 to 50), which a member between two branches
            # cannot make.
            asked = start + timedelta(days=rng.randint(51, 240))
            if asked > self.until or not m.active_on(asked + timedelta(days=60)):
                continue
            target = rng.choice([b for b in branches if b != m.branch_id])
            transfer_id = f"cs-{m.member_id}-{start.year}-{k}"
            self.member_event(m, ms.MemberTransferRequested(
                member_id=m.member_id, transfer_id=transfer_id, from_branch_id=m.branch_id, to_branch_id=target,
                requested_on=asked,
            ), asked)  # fmt: skip
            slow = self.has("transfers") and k % 2 == 0
            released = asked + timedelta(days=rng.randint(25, 40) if slow else rng.randint(2, 12))
            self.member_event(m, ms.MemberTransferReleased(
                member_id=m.member_id, transfer_id=transfer_id, released_on=released,
            ), released)  # fmt: skip
            if self.has("transfers"):
                m.away.append((asked, date.max))  # never accepted: orphaned between branches
                continue
            accepted = released + timedelta(days=rng.randint(1, 10))
            m.away.append((asked, accepted))
            if accepted > self.until:
                continue
            # Recorded in the branch that accepts, as membership records it: its members' list has them.
            m.branch_id, m.in_branch_since = target, accepted
            m.moves.append((accepted, target))
            self.member_event(m, ms.MemberTransferAccepted(
                member_id=m.member_id, transfer_id=transfer_id, to_branch_id=target, accepted_on=accepted,
            ), accepted)  # fmt: skip

    def recruitment(self, year: int, start: date) -> None:
        rng = self.rng
        # Admissions on the Đoàn's anniversary (26 March) or the new school year: at least one per branch.
        admitted_on = start + timedelta(days=rng.randint(70, 90))
        for branch, _ in self.u.branches:
            if admitted_on > self.until:
                break
            sponsors = [m for m in self.active(admitted_on) if m.branch_on(admitted_on) == branch]
            for _ in range(rng.randint(1, 3)):
                self.admit(branch, admitted_on, rng.choice(sponsors).member_id if sponsors else None)
        # "1+1": more than half of the members bring a young person into the Association.
        share = rng.uniform(0.55, 0.7) if self.u.profile != "struggling" else rng.uniform(0.2, 0.45)
        for m in self.active(admitted_on):
            on = start + timedelta(days=rng.randint(90, 300))
            if rng.random() >= share or not m.active_on(on):
                continue
            # Recorded in the member's branch that day, as membership records a recruit.
            self.member_event(m, ms.YouthRecruited(
                recruit_id=f"p-{m.member_id}-{year}", recruiter_member_id=m.member_id,
                unit_id=m.branch_on(on), recruited_on=on, into="association",
            ), on)  # fmt: skip

    def party(self, start: date) -> None:
        rng = self.rng
        candidates = [m for m in self.active(start) if m.birth.year < start.year - 19]
        for k, m in enumerate(rng.sample(candidates, min(len(candidates), rng.randint(1, 2)))):
            referral_id = f"gt-{m.member_id}-{start.year}-{k}"
            on = start + timedelta(days=rng.randint(100, 200))
            if not m.active_on(on):
                continue
            self.member_event(m, ms.PartyReferral(
                member_id=m.member_id, referral_id=referral_id, referred_on=on, decision_ref=f"{k + 1}/GT-ĐTN",
            ), on)  # fmt: skip
            decided = on + timedelta(days=rng.randint(60, 150))
            if not m.active_on(decided):
                continue
            self.member_event(m, ms.PartyAdmissionDecided(
                member_id=m.member_id, referral_id=referral_id, decided_on=decided, admitted=rng.random() < 0.4,
            ), decided)  # fmt: skip
