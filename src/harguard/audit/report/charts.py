"""Tiny inline SVG bar charts for the HTML report: no script, no CDN, nothing to load."""

from __future__ import annotations

from html import escape

__all__ = ["bar_chart"]

_PALETTE = ("#b42318", "#d9480f", "#e67700", "#2b8a3e", "#1864ab", "#5f3dc4", "#495057")


def bar_chart(data: dict[str, int], *, title: str, colors: dict[str, str] | None = None, width: int = 560) -> str:
    """Horizontal bars, one per label, with the count at the end; an empty chart says so."""
    items = [(label, value) for label, value in data.items()][:20]
    if not items or not any(v for _, v in items):
        caption = f"<figcaption>{escape(title)}</figcaption>"
        return f'<figure class="chart">{caption}<p class="muted">none</p></figure>'
    label_width, bar_height, gap = 170, 18, 6
    height = len(items) * (bar_height + gap) + gap
    top = max(v for _, v in items) or 1
    usable = width - label_width - 60
    bars = []
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_height + gap)
        length = max(1, round(usable * value / top)) if value else 0
        color = (colors or {}).get(label, _PALETTE[i % len(_PALETTE)])
        short = label if len(label) <= 26 else label[:25] + "…"
        bars.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" fill="{color}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text x="{label_width + length + 6}" y="{y + 13}">{value}</text>'
        )
    return (
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">{"".join(bars)}</svg></figure>'
    )
