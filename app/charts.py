"""Small server-rendered SVG charts (no JavaScript, printable, readable without colour: each
series also has its own marker and a legend)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

PALETTE = ("#1b6e3a", "#1f5fa8", "#b5461b", "#7a3e9d", "#8a6d00", "#00757a", "#a8204f")
MARKERS = ("circle", "square", "diamond", "triangle")


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
            f'{x - 5:.1f},{y:.1f}" fill="{colour}"/>'
        )
    return (
        f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},'
        f'{y + 4:.1f}" fill="{colour}"/>'
    )


def line_chart(
    series: dict[str, list[tuple[str, int]]],
    y_min: int,
    y_max: int,
    y_labels: dict[int, str] | None = None,
    title: str = "",
    width: int = 640,
    height: int = 260,
) -> Markup:
    """One line per series over shared x labels (in first-seen order)."""
    x_labels: list[str] = []
    for points in series.values():
        for label, _value in points:
            if label not in x_labels:
                x_labels.append(label)
    left, right, top, bottom = 120, 40, 20, 40
    legend_height = 18 * len(series)
    inner_w = width - left - right
    inner_h = height - top - bottom
    span = max(y_max - y_min, 1)

    def x_of(label: str) -> float:
        if len(x_labels) == 1:
            return left + inner_w / 2
        return left + inner_w * x_labels.index(label) / (len(x_labels) - 1)

    def y_of(value: int) -> float:
        return top + inner_h * (y_max - value) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
        f'{height + legend_height}" role="img" aria-label="{escape(title)}" '
        f'class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for value in range(y_min, y_max + 1):
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#ccd" stroke-width="1"/>'
        )
        text = escape((y_labels or {}).get(value, str(value)))
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{text}</text>'
        )
    for label in x_labels:
        parts.append(
            f'<text x="{x_of(label):.1f}" y="{height - bottom + 20}" '
            f'text-anchor="middle" font-size="12">{escape(label)}</text>'
        )
    for index, (name, points) in enumerate(series.items()):
        colour, marker = PALETTE[index % len(PALETTE)], MARKERS[index % len(MARKERS)]
        coordinates = [(x_of(label), y_of(value)) for label, value in points]
        if len(coordinates) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        parts.extend(_marker(marker, x, y, colour) for x, y in coordinates)
        legend_y = height + 18 * index + 4
        parts.append(_marker(marker, left, legend_y, colour))
        parts.append(
            f'<text x="{left + 12}" y="{legend_y + 4}" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  every text above is escaped


def bar_chart(
    bars: list[tuple[str, int]], title: str, suffix: str = "", width: int = 640
) -> Markup:
    """Horizontal bars with their value written at the end (the value is the text a screen
    reader and a black-and-white printout keep)."""
    row_height, left, right = 22, 190, 110
    height = row_height * len(bars) + 10
    peak = max((value for _, value in bars), default=0) or 1
    inner = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(bars):
        y = 5 + index * row_height
        length = inner * max(value, 0) / peak
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
        )
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="15" fill="{PALETTE[0]}"/>'
        )
        parts.append(
            f'<text x="{left + length + 6:.1f}" y="{y + 15}" font-size="12">'
            f"{escape(f'{value}{suffix}')}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  every text above is escaped
