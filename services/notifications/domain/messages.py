"""The text of alerts, in Vietnamese by default (nội dung thông báo), from templates per kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from string import Template
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

TEMPLATES: dict[AlertKind, tuple[str, str]] = {
    AlertKind.COMPLIANCE_CHANGED: (
        "[3 chủ động] $unit_name: $criterion_short $new_status",
        "Kính gửi đồng chí,\n\n$unit_line\n$criterion năm $year chuyển từ «$old_status» sang «$new_status».\n"
        "$missing_block$late_block\nXem giải thích và minh chứng: $link\n",
    ),
    AlertKind.INDICATOR_AT_RISK: (
        "[3 chủ động] $unit_name: chỉ tiêu $indicator_id có nguy cơ không đạt",
        "Kính gửi đồng chí,\n\n$unit_line\nChỉ tiêu $indicator_id ($criterion) kỳ $period có nguy cơ không đạt "
        "nếu đến hết ngày $closes_on chưa ghi nhận.\n$missing_block$late_block\nXem giải thích và minh chứng: $link\n",
    ),
    AlertKind.DEADLINE_APPROACHING: (
        "[3 chủ động] $unit_name: còn $days_left ngày – $deadline_title",
        "Kính gửi đồng chí,\n\n$unit_line\nHạn “$deadline_title” năm $year là ngày $due_on (còn $days_left ngày).\n"
        "\nXem giải thích và minh chứng: $link\n",
    ),
    AlertKind.DEADLINE_PASSED: (
        "[3 chủ động] $unit_name: quá hạn $days_late ngày – $deadline_title",
        "Kính gửi đồng chí,\n\n$unit_line\nHạn “$deadline_title” năm $year là ngày $due_on, "
        "đã quá $days_late ngày mà chưa ghi nhận.\n\nXem giải thích và minh chứng: $link\n",
    ),
    AlertKind.RECOGNITION_AWAITING_DECISION: (
        "[3 chủ động] $unit_name đã nộp bản tự đánh giá năm $year – chờ thẩm định",
        "Kính gửi đồng chí,\n\n$unit_line\nĐơn vị đã nộp bản tự đánh giá năm $year ngày $submitted_on; "
        "đề nghị thẩm định từng tiêu chí và ra quyết định công nhận.\n\nXem giải thích và minh chứng: $link\n",
    ),
    AlertKind.DEAD_LETTER: (
        "[chudong vận hành] $consumer không xử lý được một sự kiện",
        "Bộ xử lý $consumer không xử lý được sự kiện $original_subject (số thứ tự $original_sequence) "
        "sau $deliveries lần.\nLỗi: $error\n\nXem và xử lý lại: $link\n",
    ),
}


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


def _date_vi(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def late_mark(days: int) -> str:
    return f"ghi nhận muộn {days} ngày"


def _late_block(late: Sequence[dict[str, Any]]) -> str:
    """The evidence behind the verdict that was recorded late, one line each (the latest recorded first)."""
    if not late:
        return ""
    lines = [
        f"  • {m['indicator_id']} – {m['unit_id']}, ngày {_date_vi(str(m['occurred_on']))}: "
        f"{late_mark(int(m['days_late']))}{LATE_COUNTS_AS.get(str(m.get('counts_as')), '')}\n"
        for m in late[:LATE_SHOWN]
    ]
    more = "  … và các minh chứng khác (xem đường dẫn bên dưới)\n" if len(late) > LATE_SHOWN else ""
    return "Minh chứng ghi nhận muộn:\n" + "".join(lines) + more


def render(kind: AlertKind, facts: dict[str, Any], unit_names: Sequence[str], link: str) -> Message:
    """The message of one alert; ``unit_names`` are the unit's and its ancestors', the unit first."""
    values: dict[str, Any] = {k: v for k, v in facts.items() if not isinstance(v, list)}
    criterion = int(facts.get("criterion", 0))
    values["criterion"] = CRITERIA.get(criterion, f"Tiêu chí {criterion}")
    values["criterion_short"] = "“3 chủ động”" if criterion == 0 else f"tiêu chí {criterion}"
    for key in ("old_status", "new_status"):
        if key in facts:
            values[key] = STATUSES.get(str(facts[key]), str(facts[key]))
    for key in ("closes_on", "due_on", "submitted_on"):
        if key in facts:
            values[key] = _date_vi(str(facts[key]))
    missing = facts.get("missing") or []
    values["missing_block"] = "Còn thiếu:\n" + "".join(f"  • {item}\n" for item in missing) if missing else ""
    values["late_block"] = _late_block(facts.get("late") or [])
    values["unit_name"] = unit_names[0] if unit_names else facts.get("unit_id", "")
    values["unit_line"] = "Đơn vị: " + " – ".join(unit_names) if unit_names else ""
    values["link"] = link
    subject, body = TEMPLATES[kind]
    return Message(Template(subject).safe_substitute(values), Template(body).safe_substitute(values))


def render_digest(day: str, items: Sequence[tuple[AlertKind, str, str]]) -> Message:
    """One message gathering a day's alerts (bản tin tổng hợp): (kind, subject, link) per alert."""
    lines = [f"Kính gửi đồng chí,\n\nTổng hợp {len(items)} cảnh báo đến ngày {_date_vi(day)}:\n"]
    for number, (kind, subject, link) in enumerate(items, 1):
        lines.append(f"{number}. [{KIND_TITLES[kind]}] {subject}\n   {link}\n")
    return Message(f"[3 chủ động] Tổng hợp {len(items)} cảnh báo ngày {_date_vi(day)}", "".join(lines))
