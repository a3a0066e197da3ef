"""The monthly trend as a small SVG: one stacked bar per month (pass, at risk, fail, not assessed)."""

from __future__ import annotations

from html import escape
from typing import Any

from services.dashboard.domain.text import label

COLOURS = {"pass": "#2e7d32", "at_risk": "#f9a825", "fail": "#c62828", "not_assessed": "#b0bec5"}


def trend_svg(trend: dict[str, Any], lang: str) -> str:
    months = trend["months"]
    width, height, left, bottom, top = 720, 240, 40, 40, 16
    plot = height - bottom - top
    step = (width - left - 10) / max(len(months), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11" '
        f'role="img" aria-label="{escape(label(lang, "trend"))}">'
    ]
    for tick in (0, 50, 100):
        y = top + plot * (1 - tick / 100)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e0e0e0"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}%</text>')
    for index, month in enumerate(months):
        total = sum(month["status"].values()) or 1
        x = left + index * step + step * 0.15
        y = top + plot
        for status in ("pass", "at_risk", "fail", "not_assessed"):
            share = month["status"][status] / total
            h = plot * share
            y -= h
            if h > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                    f'fill="{COLOURS[status]}"><title>{escape(label(lang, status))}: '
                    f"{month['status'][status]}</title></rect>"
                )
        passed = round(100 * month["status"]["pass"] / total)
        cx = x + step * 0.35
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot + 14}" text-anchor="middle">{month["month"][5:]}/{month["month"][2:4]}</text>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot + 28}" text-anchor="middle" fill="#2e7d32">{passed}%</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
