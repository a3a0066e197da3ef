"""The monthly trend as a small SVG: one stacked bar per month (pass, at risk, fail, not assessed).

A legend names the colours; hovering a bar's part shows its month, status, count and share (each part's
``<title>``, which browsers show as a tooltip when the SVG is a document of its own, e.g. in ``<object>``).
"""

from __future__ import annotations

from html import escape
from typing import Any

from services.dashboard.domain.text import format_number, format_share, label

STATUSES = ("pass", "at_risk", "fail", "not_assessed")
COLOURS = {"pass": "#2e7d32", "at_risk": "#f9a825", "fail": "#c62828", "not_assessed": "#b0bec5"}
WIDTH, HEIGHT = 720, 264
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 40, 40  # the plot's margins; the legend sits above the plot


def _legend(lang: str) -> list[str]:
    parts = [f'<g class="legend" transform="translate({LEFT},8)">']
    x = 0
    for status in STATUSES:
        name = escape(label(lang, status))
        parts.append(
            f'<g data-status="{status}" transform="translate({x},0)">'
            f'<rect width="12" height="12" rx="2" fill="{COLOURS[status]}"/>'
            f'<text x="17" y="10">{name}</text></g>'
        )
        x += 30 + 7 * len(label(lang, status))
    parts.append(f'<text x="{WIDTH - LEFT - RIGHT}" y="10" text-anchor="end" fill="#555">')
    parts.append(f"{escape(label(lang, 'trend_basis'))}</text></g>")
    return parts


def _month_name(month: str) -> str:
    return f"{month[5:]}/{month[:4]}"


def trend_svg(trend: dict[str, Any], lang: str) -> str:
    months = trend["months"]
    plot = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT - RIGHT) / max(len(months), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11" '
        f'role="img" aria-label="{escape(label(lang, "trend"))}">',
        f"<desc>{escape(label(lang, 'trend_basis'))}</desc>",
        *_legend(lang),
    ]
    for tick in (0, 50, 100):
        y = TOP + plot * (1 - tick / 100)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e0e0e0"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}%</text>')
    for index, month in enumerate(months):
        counts = month["status"]
        total = sum(counts.values())
        x = LEFT + index * step + step * 0.15
        y = TOP + plot
        name = _month_name(month["month"])
        parts.append(f'<g class="month" data-month="{month["month"]}">')
        for status in STATUSES:
            h = plot * counts[status] / (total or 1)
            y -= h
            if h > 0:
                hover = (
                    f"{name} – {label(lang, status)}: {format_number(counts[status], lang)}/"
                    f"{format_number(total, lang)} ({format_share(counts[status], total, lang)})"
                )
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                    f'fill="{COLOURS[status]}" data-status="{status}" data-count="{counts[status]}">'
                    f"<title>{escape(hover)}</title></rect>"
                )
        cx = x + step * 0.35
        passed = round(100 * counts["pass"] / total) if total else 0
        parts.append(
            f'<text x="{cx:.1f}" y="{TOP + plot + 14}" text-anchor="middle">{name[:3]}{name[5:]}</text>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{TOP + plot + 28}" text-anchor="middle" fill="#2e7d32">{passed}%</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
