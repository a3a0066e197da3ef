"""What a member's year leaves on record: dues, the rating, the training programme, inactivity, "1+1", the Party."""

from __future__ import annotations

from datetime import date

from services.membership.domain.member import (
    Member,
    not_before,
    not_in_future,
    outside_membership,
    require_active,
    require_in_branch_on,
)
from shared.contracts import membership as ev
from shared.contracts.member_stays import time_in_branches, time_there
from shared.errors import ConflictError, DomainError, NotFoundError

DUES_AMOUNTS_VND = (2_000, 5_000)
"""Monthly dues: 2,000 VND without a salary, 5,000 with one."""
MONTHS_IN_BRANCH_BEFORE_RATING = 6


def _month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _check_dues_month(member: Member, month: str, today: date) -> None:
    require_active(member, "record dues")
    if month in member.dues_months:
        raise ConflictError(
            f"dues for {month} are already recorded for member {member.member_id!r}",
            rule="dues_already_recorded",
            field="month",
            value=month,
            accepted="a month not yet paid or exempted",
        )
    first, last = _month_of(member.joined_on), _month_of(today)
    if not first <= month <= last:
        raise DomainError(
            f"month {month} is outside the membership ({first} to {last})",
            rule="dues_month_outside_membership",
            field="month",
            value=month,
            accepted=f"a month from {first} to {last}",
        )


def pay_dues(member: Member, *, month: str, amount_vnd: int, today: date) -> ev.DuesPaid:
    """Monthly dues paid (đóng đoàn phí)."""
    _check_dues_month(member, month, today)
    if amount_vnd not in DUES_AMOUNTS_VND:
        raise DomainError(
            f"{amount_vnd} VND is not a monthly due",
            rule="dues_amount",
            field="amount_vnd",
            value=amount_vnd,
            accepted=" or ".join(f"{a}" for a in DUES_AMOUNTS_VND) + " (without / with a salary)",
        )
    return ev.DuesPaid(member_id=member.member_id, month=month, amount_vnd=amount_vnd)


def exempt_dues(member: Member, *, month: str, reason: str, today: date) -> ev.DuesExempted:
    """A month's dues excused (miễn đoàn phí)."""
    _check_dues_month(member, month, today)
    return ev.DuesExempted(member_id=member.member_id, month=month, reason=reason)


def _six_months_after(day: date) -> date:
    month = day.month + MONTHS_IN_BRANCH_BEFORE_RATING
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, last_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def rate(member: Member, *, year: int, rating: ev.Rating, on: date, today: date) -> ev.MemberRated:
    """The annual rating (xếp loại đoàn viên): once a year, by the branch the member is in on ``on``, after
    6 months there, for a year they were there."""
    not_in_future(on, today, "rated_on")
    stay = require_in_branch_on(member, on, "rated_on", "be rated")
    if year in member.rated_years:
        raise ConflictError(
            f"member {member.member_id!r} is already rated for {year}",
            rule="rated_once_a_year",
            field="year",
            value=year,
            accepted="a year the member has not been rated for",
        )
    if on.year not in (year, year + 1):
        raise DomainError(
            f"a rating for {year} cannot be given on {on.isoformat()}",
            rule="rating_year",
            field="year",
            value=year,
            accepted=f"{on.year} or {on.year - 1}",
        )
    there = time_there(member.stays, stay)
    if not any(s.meets(date(year, 1, 1), date(year, 12, 31)) for s in there):
        raise DomainError(
            f"member {member.member_id!r} was not active in branch {stay.branch_id!r} in {year}: it cannot "
            f"rate them for that year (their time in a branch: {time_in_branches(member.stays)})",
            rule="outside_membership_dates",
            field="year",
            value=year,
            accepted="a year in which the member was active in the branch rating them: "
            + time_in_branches(there),
        )
    since = there[0].since
    eligible = _six_months_after(since)
    if on < eligible:
        raise DomainError(
            f"member {member.member_id!r} has been in branch {stay.branch_id!r} since "
            f"{since.isoformat()}: under {MONTHS_IN_BRANCH_BEFORE_RATING} months on {on.isoformat()}",
            rule="rating_needs_six_months_in_branch",
            field="rated_on",
            value=on.isoformat(),
            accepted=f"a date on or after {eligible.isoformat()}",
        )
    return ev.MemberRated(member_id=member.member_id, year=year, rating=rating)


def _require_on_rolls_in(member: Member, year: int, what: str) -> None:
    """A record for ``year`` (the training programme) needs the member active in a branch in that year."""
    if not any(s.meets(date(year, 1, 1), date(year, 12, 31)) for s in member.stays):
        raise outside_membership(member, "year", year, f"{what} {year}")


def register_training(member: Member, *, year: int) -> ev.TrainingProgrammeRegistered:
    """Registration for the year's training programme (Chương trình rèn luyện đoàn viên)."""
    require_active(member, "register for the training programme")
    _require_on_rolls_in(member, year, "the training programme of")
    if year in member.training_registered:
        raise ConflictError(
            f"member {member.member_id!r} is already registered for {year}",
            rule="training_already_registered",
            field="year",
            value=year,
            accepted="a year not yet registered",
        )
    return ev.TrainingProgrammeRegistered(member_id=member.member_id, year=year)


def evaluate_training(member: Member, *, year: int, result: ev.Rating) -> ev.TrainingProgrammeEvaluated:
    """The year's training programme evaluated (đánh giá kết quả rèn luyện)."""
    require_active(member, "have the training programme evaluated")
    if year not in member.training_registered:
        raise ConflictError(
            f"member {member.member_id!r} did not register for the {year} programme",
            rule="training_not_registered",
            field="year",
            value=year,
            accepted=", ".join(str(y) for y in sorted(member.training_registered)) or "none: register first",
        )
    if year in member.training_evaluated:
        raise ConflictError(
            f"the {year} programme of member {member.member_id!r} is already evaluated",
            rule="training_already_evaluated",
            field="year",
            value=year,
            accepted="a registered year not yet evaluated",
        )
    return ev.TrainingProgrammeEvaluated(member_id=member.member_id, year=year, result=result)


INACTIVITY_OUTCOMES = ("kept", "struck_off", "transferred")


def review_inactivity(member: Member, *, on: date, outcome: str, today: date) -> ev.MemberInactivityReviewed:
    """An inactive member's case reviewed (3 months without attendance or dues in a year)."""
    not_in_future(on, today, "reviewed_on")
    require_in_branch_on(member, on, "reviewed_on", "have inactivity reviewed")
    if outcome.split(":", 1)[0] not in INACTIVITY_OUTCOMES:
        raise DomainError(
            f"{outcome!r} is not an outcome of an inactivity review",
            rule="inactivity_outcome",
            field="outcome",
            value=outcome,
            accepted="kept[: reason], struck_off or transferred",
        )
    return ev.MemberInactivityReviewed(member_id=member.member_id, reviewed_on=on, outcome=outcome)


def recruit(member: Member, *, recruit_id: str, into: str, on: date, today: date) -> ev.YouthRecruited:
    """The member brings a young person into the Đoàn or the Association ("1+1"), counted for the branch
    they were in on ``on``."""
    not_in_future(on, today, "recruited_on")
    stay = require_in_branch_on(member, on, "recruited_on", "recruit")
    if recruit_id in member.recruits:
        raise ConflictError(
            f"member {member.member_id!r} already recorded recruit {recruit_id!r}",
            rule="recruit_recorded",
            field="recruit_id",
            value=recruit_id,
            accepted="a young person not yet recorded",
        )
    return ev.YouthRecruited(
        recruit_id=recruit_id,
        recruiter_member_id=member.member_id,
        unit_id=stay.branch_id,
        recruited_on=on,
        into=into,
    )


def refer_to_party(
    member: Member, *, referral_id: str, on: date, decision_ref: str, today: date
) -> ev.PartyReferral:
    """The member is introduced to the Party (giới thiệu đoàn viên ưu tú cho Đảng xem xét kết nạp)."""
    not_in_future(on, today, "referred_on")
    not_before(on, member.joined_on, "referred_on", "admission")
    require_in_branch_on(member, on, "referred_on", "be introduced to the Party")
    if member.open_referral is not None:
        raise ConflictError(
            f"member {member.member_id!r} has referral {member.open_referral!r} awaiting its outcome",
            rule="referral_open",
            field="member_id",
            value=member.member_id,
            accepted="a member without an open referral",
        )
    return ev.PartyReferral(
        referral_id=referral_id, member_id=member.member_id, referred_on=on, decision_ref=decision_ref
    )


def decide_party_admission(
    member: Member, *, referral_id: str, admitted: bool, on: date, today: date
) -> ev.PartyAdmissionDecided:
    """The Party's answer to a referral: admitted (kết nạp Đảng) or not."""
    if member.open_referral != referral_id:
        closed = referral_id in member.referrals
        raise (ConflictError if closed else NotFoundError)(
            f"referral {referral_id!r} of member {member.member_id!r} is "
            + ("already decided" if closed else "not known"),
            rule="referral_decided" if closed else "unknown_referral",
            field="referral_id",
            value=referral_id,
            accepted=f"the open referral {member.open_referral!r}"
            if member.open_referral
            else "none is open",
        )
    not_in_future(on, today, "decided_on")
    if member.open_referral_on is not None:
        not_before(on, member.open_referral_on, "decided_on", "the referral")
    return ev.PartyAdmissionDecided(
        referral_id=referral_id, member_id=member.member_id, decided_on=on, admitted=admitted
    )
