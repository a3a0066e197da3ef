"""Vietnamese text for people: labels in two languages, dates dd/mm/yyyy, numbers 1.234, folding for search."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
LANGUAGES = ("vi", "en")

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "app": "3 chủ động – Bảng điều hành",
        "sign_in": "Đăng nhập",
        "sign_out": "Đăng xuất",
        "token": "Mã truy cập (token)",
        "token_help": "Dán mã truy cập do quản trị cấp (lệnh chudong token).",
        "overview": "Tổng quan",
        "inbox": "Hộp thư",
        "pass": "Đạt",
        "at_risk": "Có nguy cơ",
        "fail": "Không đạt",
        "not_assessed": "Chưa đánh giá",
        "status": "Trạng thái",
        "union": "Đoàn cơ sở",
        "unions": "Đoàn cơ sở",
        "district": "Đơn vị trực thuộc",
        "criterion": "Tiêu chí",
        "c1": "TC1",
        "c2": "TC2",
        "c3": "TC3",
        "criterion_1": "Chủ động quản lý đoàn viên, nắm bắt tình hình thanh niên",
        "criterion_2": "Chủ động xây dựng và thực hiện kế hoạch công tác",
        "criterion_3": "Chủ động tham mưu với cấp ủy, phối hợp với các tổ chức",
        "overall": "Kết quả chung",
        "recognised_registered_total": "Công nhận / Đăng ký / Tổng số",
        "search": "Tìm theo tên",
        "all": "Tất cả",
        "filter": "Lọc",
        "as_of": "Tính đến ngày",
        "today": "Hôm nay",
        "live": "Trực tiếp",
        "trend": "Diễn biến theo tháng (tỷ lệ đạt)",
        "indicator": "Chỉ tiêu",
        "evidence": "Minh chứng",
        "missing": "Còn thiếu",
        "events": "Sự kiện ghi nhận",
        "date": "Ngày",
        "recorded": "Ghi nhận lúc",
        "numbers": "Số liệu",
        "explanation": "Giải thích",
        "core": "cốt lõi",
        "stage": "Bước công nhận",
        "recognition": "Thẩm định và công nhận",
        "appraise": "Thẩm định tiêu chí",
        "verdict": "Kết luận",
        "confirmed": "Xác nhận",
        "adjusted": "Điều chỉnh",
        "comment": "Nhận xét",
        "save": "Ghi nhận",
        "decide": "Quyết định",
        "recognise": "Công nhận",
        "deny": "Không công nhận",
        "decision_number": "Số quyết định",
        "reasons": "Lý do",
        "export_xlsx": "Xuất Excel",
        "export_pdf": "Xuất PDF",
        "unread": "chưa đọc",
        "mark_read": "Đánh dấu đã đọc",
        "no_alerts": "Không có thông báo.",
        "mail_not_configured": "Chưa cấu hình máy chủ thư điện tử: cảnh báo chưa được gửi qua thư điện tử "
        "(vẫn có trong Hộp thư) và sẽ được gửi khi quản trị hệ thống cấu hình máy chủ thư.",
        "forbidden": "Không có quyền truy cập",
        "not_found": "Không tìm thấy",
        "error": "Có lỗi",
        "updated": "Vừa cập nhật",
        "count": "Số lượng",
        "total": "Tổng số",
        "nothing_missing": "Không thiếu gì.",
        "no_events": "Chưa có sự kiện.",
        "back": "Quay lại",
        "unregistered": "Chưa đăng ký",
        "registered": "Đã đăng ký",
        "self_assessed": "Đã tự đánh giá",
        "appraised": "Đã thẩm định",
        "recognised": "Đã công nhận",
        "denied": "Không công nhận",
        "history_note": "Trạng thái tính lại từ lịch sử đến hết ngày",
        "unavailable": "Chưa có thông tin",
        "branches": "Chi đoàn",
        "members": "Đoàn viên",
        "sort": "Sắp xếp",
        "name": "Tên",
        "appraisals": "Kết quả thẩm định",
        "year": "Năm",
        "show": "Xem",
        "language": "English",
        "live_changed": "Có thay đổi mới – tải lại trang để xem chi tiết",
        "closes_on": "kỳ xét kết thúc",
        "done_appraised": "Đã ghi nhận kết quả thẩm định tiêu chí",
        "done_decided": "Đã ghi nhận quyết định",
        "late": "Ghi nhận muộn",
        "late_mark": "ghi nhận muộn {days} ngày",
        "late_summary": "{count} minh chứng ghi nhận muộn, lâu nhất {days} ngày",
        "late_at_risk": "quá thời hạn ghi nhận: chỉ tính là có nguy cơ",
        "late_not_counted": "quá thời hạn ghi nhận: không được tính",
    },
    "en": {
        "app": "3 chủ động – Dashboard",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "token": "Access token",
        "token_help": "Paste the token your administrator gave you (chudong token).",
        "overview": "Overview",
        "inbox": "Inbox",
        "pass": "Pass",
        "at_risk": "At risk",
        "fail": "Fail",
        "not_assessed": "Not assessed",
        "status": "Status",
        "union": "Grassroots union",
        "unions": "Grassroots unions",
        "district": "Unit below",
        "criterion": "Criterion",
        "c1": "C1",
        "c2": "C2",
        "c3": "C3",
        "criterion_1": "Manage members, know the youth",
        "criterion_2": "Build and carry out the work plan",
        "criterion_3": "Advise the Party committee, coordinate",
        "overall": "Overall",
        "recognised_registered_total": "Recognised / Registered / Total",
        "search": "Search by name",
        "all": "All",
        "filter": "Filter",
        "as_of": "As of",
        "today": "Today",
        "live": "Live",
        "trend": "Month by month (share passing)",
        "indicator": "Indicator",
        "evidence": "Evidence",
        "missing": "Missing",
        "events": "Recorded events",
        "date": "Date",
        "recorded": "Recorded at",
        "numbers": "Figures",
        "explanation": "Explanation",
        "core": "core",
        "stage": "Recognition stage",
        "recognition": "Appraisal and recognition",
        "appraise": "Appraise a criterion",
        "verdict": "Verdict",
        "confirmed": "Confirmed",
        "adjusted": "Adjusted",
        "comment": "Comment",
        "save": "Record",
        "decide": "Decide",
        "recognise": "Recognise",
        "deny": "Deny",
        "decision_number": "Decision number",
        "reasons": "Reasons",
        "export_xlsx": "Export Excel",
        "export_pdf": "Export PDF",
        "unread": "unread",
        "mark_read": "Mark read",
        "no_alerts": "No alerts.",
        "mail_not_configured": "No mail server is configured: alerts are not sent by e-mail yet (they are in "
        "the inbox) and will be sent once the system administrator configures one.",
        "forbidden": "Access denied",
        "not_found": "Not found",
        "error": "Error",
        "updated": "Just updated",
        "count": "Count",
        "total": "Total",
        "nothing_missing": "Nothing missing.",
        "no_events": "No events yet.",
        "back": "Back",
        "unregistered": "Not registered",
        "registered": "Registered",
        "self_assessed": "Self-assessed",
        "appraised": "Appraised",
        "recognised": "Recognised",
        "denied": "Denied",
        "history_note": "Statuses replayed from the history up to the end of",
        "unavailable": "Not available",
        "branches": "Branches",
        "members": "Members",
        "sort": "Sort",
        "name": "Name",
        "appraisals": "Appraisals",
        "year": "Year",
        "show": "Show",
        "language": "Tiếng Việt",
        "live_changed": "Something changed – reload the page for the details",
        "closes_on": "period closes",
        "done_appraised": "Appraisal recorded for criterion",
        "done_decided": "Decision recorded",
        "late": "Recorded late",
        "late_mark": "recorded {days} days late",
        "late_summary": "{count} pieces of evidence recorded late, up to {days} days",
        "late_at_risk": "beyond the recording limit: counts only as at risk",
        "late_not_counted": "beyond the recording limit: not counted",
    },
}


def label(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["vi"]).get(key, key)


def late_mark(lang: str, days: int, counts_as: str = "counted") -> str:
    """An event recorded late: "ghi nhận muộn 46 ngày", with how the rules count it if beyond their limit."""
    mark = label(lang, "late_mark").format(days=format_number(days, lang))
    return f"{mark} ({label(lang, f'late_{counts_as}')})" if counts_as != "counted" else mark


def late_summary(lang: str, evidence: dict[str, Any]) -> str:
    """An indicator's evidence recorded late, in one line ("" when none was)."""
    count, late = int(evidence.get("late_count") or 0), evidence.get("late") or []
    if not count:
        return ""
    days = int(evidence.get("late_longest_days") or 0)
    text = label(lang, "late_summary").format(
        count=format_number(count, lang), days=format_number(days, lang)
    )
    beyond = sorted({str(m["counts_as"]) for m in late} - {"counted"})
    return "; ".join([text, *(label(lang, f"late_{c}") for c in beyond)])


def fold(text: str) -> str:
    """Lower case without diacritics ("Phước Long" → "phuoc long"), so a search works typed either way."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def format_number(value: float | int, lang: str = "vi", decimals: int = 0) -> str:
    """1.234,5 in Vietnamese, 1,234.5 in English."""
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_date(value: date | str | None, lang: str = "vi") -> str:
    """dd/mm/yyyy (both languages: the officers' convention)."""
    if value is None or value == "":
        return ""
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    if isinstance(day, datetime):
        day = day.astimezone(VIETNAM).date()
    return day.strftime("%d/%m/%Y")


def format_time(value: datetime | str | None, lang: str = "vi") -> str:
    """dd/mm/yyyy HH:MM in Vietnam time."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def format_share(part: int, whole: int, lang: str = "vi") -> str:
    if not whole:
        return "–"
    return format_number(100 * part / whole, lang, 1) + "%"


# The default rules name indicators in English; officers read them in Vietnamese. A province's own rules
# may rename an indicator: then its own name is shown.
INDICATOR_NAMES_VI: dict[str, str] = {
    "C1.1": "Danh sách đoàn viên đầy đủ thông tin",
    "C1.2": "Chi đoàn rà soát danh sách đoàn viên",
    "C1.3": "Báo cáo tình hình thanh niên lên cấp trên",
    "C1.4": "Rà soát danh sách thanh niên khó khăn, ghi nhận hoạt động chăm lo",
    "C1.5": "Chuyển sinh hoạt đoàn đúng hạn, không để tồn đọng",
    "C1.6": "Đánh giá, xếp loại đoàn viên hằng năm",
    "C1.7": "Đăng ký và đánh giá chương trình rèn luyện đoàn viên",
    "C1.8": "Giải quyết trưởng thành đoàn",
    "C1.9": 'Phát triển đoàn viên và thực hiện "1+1"',
    "C1.10": "Xử lý đoàn viên không sinh hoạt, không đóng đoàn phí",
    "C2.1": "Kế hoạch năm được duyệt, đăng ký mô hình đúng hạn",
    "C2.2": "Chi đoàn sinh hoạt định kỳ hằng tháng",
    "C2.3": "Tỷ lệ đoàn viên tham gia sinh hoạt",
    "C2.4": "Tổ chức các hoạt động theo kế hoạch",
    "C2.5": "Hoàn thành công trình, phần việc thanh niên",
    "C2.6": "Giao nhiệm vụ hằng tháng cho chi đoàn",
    "C2.7": "Báo cáo định kỳ đúng hạn; sơ kết, tổng kết",
    "C2.8": "Nộp bản tự đánh giá",
    "C3.1": "Trình kế hoạch lên cấp ủy",
    "C3.2": "Đề xuất tham mưu và kết quả tiếp thu",
    "C3.3": "Báo cáo cấp ủy",
    "C3.4": "Chương trình phối hợp còn hiệu lực, hoạt động phối hợp",
    "C3.5": "Giới thiệu đoàn viên ưu tú cho Đảng xem xét kết nạp",
    "C3.6": "Đối thoại giữa lãnh đạo và thanh niên",
    "C3.7": '"2 giao, 1 liên kết"',
}

EVIDENCE_KINDS_VI: dict[str, str] = {
    "meeting": "Sinh hoạt chi đoàn",
    "roster_reviewed": "Rà soát danh sách",
    "member_joined": "Kết nạp đoàn viên",
    "member_rated": "Xếp loại đoàn viên",
    "youth_recruited": "Vận động thanh niên (1+1)",
    "party_referral": "Giới thiệu cho Đảng",
    "party_admission": "Kết nạp Đảng",
}


def indicator_name(lang: str, indicator_id: str, given: str) -> str:
    """The indicator's name in the page's language (the rules' own name where no translation is known)."""
    return INDICATOR_NAMES_VI.get(indicator_id, given) if lang == "vi" else given


def evidence_kind(lang: str, kind: str) -> str:
    return EVIDENCE_KINDS_VI.get(kind, kind) if lang == "vi" else kind
