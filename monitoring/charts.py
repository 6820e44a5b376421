"""Small server-side SVG charts for the overview: no JavaScript, no CDN, readable without colour.

Each chart is a <figure> with an SVG (bars or a line), a <title> per mark for hover text, and
a legend; the numbers are also in the SVG's accessible description.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 560, 180
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 24
PALETTE = ["#5b3df5", "#1a8f53", "#b86e00", "#c62b3b", "#2855d8", "#6b7285", "#bc1888", "#111111"]
COLOURS = {
    "pending": "#9aa1bd",
    "processing": "#b86e00",
    "ready": "#2855d8",
    "uploaded": "#1a8f53",
    "failed": "#c62b3b",
    "cancelled": "#6b7285",
    "tiktok": "#111111",
    "youtube": "#e62117",
    "facebook": "#1877f2",
    "instagram": "#bc1888",
    "sandbox": "#6b7285",
}


@dataclass(frozen=True)
class Plot:
    days: list[date]
    top: float

    @property
    def inner_width(self) -> float:
        return WIDTH - LEFT - RIGHT

    @property
    def inner_height(self) -> float:
        return HEIGHT - TOP - BOTTOM

    def slot(self) -> float:
        return self.inner_width / max(1, len(self.days))

    def x(self, index: int) -> float:
        return LEFT + index * self.slot()

    def y(self, value: float) -> float:
        return TOP + self.inner_height * (1 - value / self.top) if self.top else TOP + self.inner_height


def _nice_top(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 4, 5, 10 times a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 2.5, 4, 5, 10) if m * magnitude >= value)


def _axes(plot: Plot, unit: str) -> list[str]:
    parts = []
    for fraction in (0, 0.5, 1):
        value = plot.top * fraction
        y = plot.y(value)
        label = f"{value:,.0f}{unit}" if float(value).is_integer() else f"{value:,.1f}{unit}"
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" class="tick">{label}</text>')
    for index, day in enumerate(plot.days):
        if (len(plot.days) - 1 - index) % 2 == 0:  # every other day, ending on today
            x = plot.x(index) + plot.slot() / 2
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 6}" text-anchor="middle" class="tick">{day:%d %b}</text>')
    return parts


def _legend(names: list[str]) -> str:
    items = "".join(
        format_html('<li><span class="swatch" style="background:{}"></span>{}</li>', colour_for(name, i), name)
        for i, name in enumerate(names)
    )
    return f'<ul class="chart-legend">{items}</ul>' if names else ""


def colour_for(name: str, index: int) -> str:
    return COLOURS.get(name, PALETTE[index % len(PALETTE)])


def _figure(title: str, svg_parts: list[str], description: str, legend: str, empty: bool) -> SafeString:
    body = (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" aria-label="{escape(title)}">'
        f"<desc>{escape(description)}</desc>{''.join(svg_parts)}</svg>"
    )
    note = '<p class="muted small chart-empty">Nothing yet in these 14 days.</p>' if empty else ""
    return mark_safe(  # noqa: S308 - every value above is a number, a date or escaped
        f'<figure class="chart-figure"><figcaption>{escape(title)}</figcaption>{body}{legend}{note}</figure>'
    )


def stacked_bars(title: str, days: list[date], series: dict[str, list[int]], unit: str = "") -> SafeString:
    totals = [sum(values[i] for values in series.values()) for i in range(len(days))]
    plot = Plot(days, _nice_top(max(totals, default=0)))
    parts = _axes(plot, unit)
    width = plot.slot() * 0.7
    for index, day in enumerate(days):
        base = 0
        for colour_index, (name, values) in enumerate(series.items()):
            value = values[index]
            if not value:
                continue
            y_top, y_bottom = plot.y(base + value), plot.y(base)
            parts.append(
                f'<rect x="{plot.x(index) + plot.slot() * 0.15:.1f}" y="{y_top:.1f}" width="{width:.1f}" '
                f'height="{max(0.5, y_bottom - y_top):.1f}" fill="{colour_for(name, colour_index)}">'
                f"<title>{day:%d %b}: {value:,} {escape(name)}</title></rect>"
            )
            base += value
    description = "; ".join(f"{day:%d %b}: {total:,}" for day, total in zip(days, totals, strict=True))
    return _figure(title, parts, description, _legend(list(series)), not any(totals))


def line(
    title: str, days: list[date], values: list[float | None], unit: str = "", top: float | None = None
) -> SafeString:
    present = [v for v in values if v is not None]
    plot = Plot(days, top or _nice_top(max(present, default=0)))
    parts = _axes(plot, unit)
    points = [(plot.x(i) + plot.slot() / 2, plot.y(v), days[i], v) for i, v in enumerate(values) if v is not None]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    for x, y, day, value in points:
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{PALETTE[0]}">'
            f"<title>{day:%d %b}: {value:,.1f}{unit}</title></circle>"
        )
    description = "; ".join(
        f"{day:%d %b}: {'-' if v is None else f'{v:,.1f}{unit}'}" for day, v in zip(days, values, strict=True)
    )
    return _figure(title, parts, description, "", not any(present))
