"""The text of alerts, in Vietnamese by default (nội dung thông báo): one sentence per fact.

A union's change (see :mod:`services.notifications.domain.alerts`) says each of its parts: the
overall status and each criterion that moved, each indicator now at risk, then what is missing and
the evidence recorded late behind it, once each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.contracts.notifications import AlertKind

CRITERIA = {
    0: "“Đoàn cơ sở 3 chủ động” (cả ba tiêu chí)",
    1: "Tiêu chí 1 – Chủ động thực hiện quản lý đoàn viên và chăm lo, nắm bắt tình hình thanh niên",
    2: "Tiêu chí 2 – Chủ động xây dựng và thực hiện kế hoạch công tác",
    3: "Tiêu chí 3 – Chủ động tham mưu với cấp ủy, phối hợp với các tổ chức liên quan",
}
STATUSES = {
    "pass": "Đạt",
    "at_risk": "Có nguy cơ không đạt",
    "fail": "Không đạt",
    "not_assessed": "Chưa đánh giá",
}
KIND_TITLES = {
    AlertKind.COMPLIANCE_CHANGED: "Kết quả đánh giá thay đổi",
    AlertKind.INDICATOR_AT_RISK: "Chỉ tiêu có nguy cơ không đạt",
    AlertKind.DEADLINE_APPROACHING: "Sắp đến hạn",
    AlertKind.DEADLINE_PASSED: "Quá hạn",
    AlertKind.RECOGNITION_AWAITING_DECISION: "Chờ thẩm định và quyết định công nhận",
    AlertKind.DEAD_LETTER: "Sự kiện không xử lý được",
}
GREETING = "Kính gửi đồng chí,\n\n"
TAG = "[3 chủ động]"
FOLLOW = "\nXem giải thích và minh chứng: {link}\n"

SUBJECTS: dict[AlertKind, str] = {
    AlertKind.DEADLINE_APPROACHING: "{tag} {unit}: còn {days_left} ngày – {deadline_title}",
    AlertKind.DEADLINE_PASSED: "{tag} {unit}: quá hạn {days_late} ngày – {deadline_title}",
    AlertKind.RECOGNITION_AWAITING_DECISION: "{tag} {unit} đã nộp bản tự đánh giá năm {year} – chờ thẩm định",
    AlertKind.DEAD_LETTER: "[chudong vận hành] {consumer} không xử lý được một sự kiện",
}
BODIES: dict[AlertKind, str] = {
    AlertKind.DEADLINE_APPROACHING: "Hạn “{deadline_title}” năm {year} là ngày {due_on} (còn {days_left} ngày).\n",
    AlertKind.DEADLINE_PASSED: "Hạn “{deadline_title}” năm {year} là ngày {due_on}, "
    "đã quá {days_late} ngày mà chưa ghi nhận.\n",
    AlertKind.RECOGNITION_AWAITING_DECISION: "Đơn vị đã nộp bản tự đánh giá năm {year} ngày {submitted_on}; "
    "đề nghị thẩm định từng tiêu chí và ra quyết định công nhận.\n",
}
STATUS_SUBJECT = "{tag} {unit}: {criterion_short} {new_status}"
INDICATOR_SUBJECT = "{tag} {unit}: chỉ tiêu {indicator_id} có nguy cơ không đạt"
MORE_CHANGES = " (và {count} thay đổi khác)"
STATUS_LINE = "{criterion} năm {year} chuyển từ «{old_status}» sang «{new_status}».\n"
INDICATOR_LINE = (
    "Chỉ tiêu {indicator_id} ({criterion}) kỳ {period} có nguy cơ không đạt nếu đến hết ngày {closes_on} "
    "chưa ghi nhận.\n"
)
DEAD_LETTER_BODY = (
    "Bộ xử lý {consumer} không xử lý được sự kiện {original_subject} (số thứ tự {original_sequence}) "
    "sau {deliveries} lần.\nLỗi: {error}\n\nXem và xử lý lại: {link}\n"
)

# How the rules count evidence recorded beyond an indicator's lateness limit.
LATE_COUNTS_AS = {
    "counted": "",
    "at_risk": ", quá thời hạn ghi nhận: chỉ tính là có nguy cơ",
    "not_counted": ", quá thời hạn ghi nhận: không được tính",
}
LATE_SHOWN = 5  # late evidence listed in an alert; the link shows the rest


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str


def date_vi(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def late_mark(days: int) -> str:
    return f"ghi nhận muộn {days} ngày"


def _late_block(late: Sequence[dict[str, Any]], names: Mapping[str, str]) -> str:
    """The evidence behind the verdict that was recorded late, one line each (the latest recorded first)."""
    if not late:
        return ""
    lines = [
        f"  • {m['indicator_id']} – {names.get(str(m['unit_id']), m['unit_id'])}, "
        f"ngày {date_vi(str(m['occurred_on']))}: "
        f"{late_mark(int(m['days_late']))}{LATE_COUNTS_AS.get(str(m.get('counts_as')), '')}\n"
        for m in late[:LATE_SHOWN]
    ]
    more = "  … và các minh chứng khác (xem đường dẫn bên dưới)\n" if len(late) > LATE_SHOWN else ""
    return "Minh chứng ghi nhận muộn:\n" + "".join(lines) + more


def _missing_block(missing: Sequence[str]) -> str:
    return "Còn thiếu:\n" + "".join(f"  • {item}\n" for item in missing) if missing else ""


def _criterion(number: int) -> str:
    return CRITERIA.get(number, f"Tiêu chí {number}")


def _status(value: object) -> str:
    return STATUSES.get(str(value), str(value))


def _unit_line(unit_names: Sequence[str]) -> str:
    return "Đơn vị: " + " – ".join(unit_names) + "\n" if unit_names else ""


class _Values(dict[str, Any]):
    """A template's values: one that is not known reads as nothing rather than failing the alert."""

    def __missing__(self, key: str) -> str:
        return ""


def _changes(kind: AlertKind, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """A change's parts, in the order an officer reads them: the overall status, each criterion, each
    indicator. Facts of one part alone (as the release before changes were gathered kept them) are
    read as a change of that one part."""
    changes = facts.get("changes")
    if changes is None:
        if kind not in (AlertKind.COMPLIANCE_CHANGED, AlertKind.INDICATOR_AT_RISK):
            return []
        changes = [{**facts, "kind": kind.value}]
    order = {AlertKind.COMPLIANCE_CHANGED.value: 0, AlertKind.INDICATOR_AT_RISK.value: 1}
    return sorted(changes, key=lambda c: (order[c["kind"]], c.get("criterion", 0), c.get("indicator_id", "")))


def _change_line(change: dict[str, Any], year: object) -> str:
    if change["kind"] == AlertKind.COMPLIANCE_CHANGED:
        return STATUS_LINE.format(
            criterion=_criterion(int(change["criterion"])),
            year=year,
            old_status=_status(change["old_status"]),
            new_status=_status(change["new_status"]),
        )
    return INDICATOR_LINE.format(
        indicator_id=change["indicator_id"],
        criterion=_criterion(int(change["criterion"])),
        period=change["period"],
        closes_on=date_vi(str(change["closes_on"])),
    )


def _change_subject(first: dict[str, Any], unit: str, others: int) -> str:
    if first["kind"] == AlertKind.COMPLIANCE_CHANGED:
        criterion = int(first["criterion"])
        subject = STATUS_SUBJECT.format(
            tag=TAG,
            unit=unit,
            criterion_short="“3 chủ động”" if criterion == 0 else f"tiêu chí {criterion}",
            new_status=_status(first["new_status"]),
        )
    else:
        subject = INDICATOR_SUBJECT.format(tag=TAG, unit=unit, indicator_id=first["indicator_id"])
    return subject + (MORE_CHANGES.format(count=others) if others else "")


def render(
    kind: AlertKind,
    facts: dict[str, Any],
    unit_names: Sequence[str],
    link: str,
    names: Mapping[str, str] | None = None,
) -> Message:
    """The message of one alert; ``unit_names`` are the unit's and its ancestors', the unit first;
    ``names`` the names of other units it cites (branches of late evidence), by id."""
    names = names or {}
    unit = unit_names[0] if unit_names else str(facts.get("unit_id", ""))
    blocks = _missing_block(facts.get("missing") or []) + _late_block(facts.get("late") or [], names)
    if kind is AlertKind.DEAD_LETTER:
        values = _Values(facts, link=link)
        return Message(SUBJECTS[kind].format_map(values), DEAD_LETTER_BODY.format_map(values))
    changes = _changes(kind, facts)
    if changes:
        subject = _change_subject(changes[0], unit, len(changes) - 1)
        lines = "".join(_change_line(c, facts.get("year", "")) for c in changes)
    else:
        values = _Values({k: v for k, v in facts.items() if not isinstance(v, list)}, tag=TAG, unit=unit)
        for key in ("closes_on", "due_on", "submitted_on"):
            if key in facts:
                values[key] = date_vi(str(facts[key]))
        subject = SUBJECTS[kind].format_map(values)
        lines = BODIES[kind].format_map(values)
    body = GREETING + _unit_line(unit_names) + lines + blocks + FOLLOW.format(link=link)
    return Message(subject, body)


def render_digest(day: str, items: Sequence[tuple[AlertKind, str, str]]) -> Message:
    """One message gathering a day's alerts (bản tin tổng hợp): (kind, subject, link) per alert."""
    lines = [f"{GREETING}Tổng hợp {len(items)} cảnh báo đến ngày {date_vi(day)}:\n"]
    for number, (kind, subject, link) in enumerate(items, 1):
        lines.append(f"{number}. [{KIND_TITLES[kind]}] {subject}\n   {link}\n")
    return Message(f"{TAG} Tổng hợp {len(items)} cảnh báo ngày {date_vi(day)}", "".join(lines))
