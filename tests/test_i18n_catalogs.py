"""The catalogs: every people-facing message has Vietnamese, and texts follow the reader's language."""

from __future__ import annotations

from datetime import date

from shared.i18n import Message, _, _n, format_date, format_number, format_percent, language, tr
from shared.i18n.catalogs import problems


def test_every_message_has_a_vietnamese_translation_and_compiled_catalogs() -> None:
    assert list(problems()) == []


def test_a_label_reads_in_each_language() -> None:
    assert tr("vi", "Pass") == "Đạt"
    assert tr("en", "Pass") == "Pass"
    assert tr("fr", "Pass") == "Đạt"  # an unsupported language reads Vietnamese


def test_parameters_follow_the_language() -> None:
    message = _("{count} pieces of evidence recorded late, up to {days} days", count=1234, days=46)
    assert message.render("vi") == "1.234 minh chứng ghi nhận muộn, lâu nhất 46 ngày"
    assert message.render("en") == "1,234 pieces of evidence recorded late, up to 46 days"


def test_a_message_travels_as_json_and_renders_the_same() -> None:
    message = _("On {day}: {share:.1%} and {value}", day=date(2026, 1, 13), share=0.756, value=1234.5)
    again = Message.model_validate_json(message.model_dump_json())
    assert again.render("vi") == message.render("vi") == "On 13/01/2026: 75,6% and 1.234,5"
    assert again.render("en") == "On 13/01/2026: 75.6% and 1,234.5"


def test_a_parameter_may_be_a_message_rendered_in_the_same_language() -> None:
    outer = _("{status}: {name}", status=_("Pass"), name="Chi đoàn 2")
    assert outer.render("vi") == "Đạt: Chi đoàn 2"
    assert outer.render("en") == "Pass: Chi đoàn 2"


def test_plural_forms_and_a_broken_translation_never_hide_the_text() -> None:
    assert _n("{n} day", "{n} days", 3).render("en") == "3 days"
    assert _("{missing} stays", other=1).render("vi") == "{missing} stays"


def test_formats_and_language_choice() -> None:
    assert format_number(1234.5, "vi") == "1.234,5"
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_percent(0.5, "vi") == "50%"
    assert format_date("2026-01-13") == "13/01/2026"
    assert language("en-US") == "en"
    assert language(None) == language("xx") == "vi"
