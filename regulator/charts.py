"""Server-side SVG line charts for the public pages. Pure: no Django, no JavaScript.

The portal serves every asset itself (no third-party CDN, DESIGN.md public interface), and
an inline SVG needs no script at all: it renders with JavaScript off, prints, scales with
the page (viewBox + width 100%) and carries its own title and description for screen
readers. Every value is escaped here, so the caller may mark the result safe.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

W, H = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per label; None = no data for that label
    css: str = "s1"


@dataclass(frozen=True)
class Target:
    value: float
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    labels: Sequence[str]
    series: Sequence[Series]
    targets: Sequence[Target] = field(default_factory=tuple)
    y_min: float | None = None
    y_max: float | None = None
    y_suffix: str = ""
    step: bool = False  # a score holds its value until the next change: draw steps
    desc: str = ""


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _bounds(chart: Chart) -> tuple[float, float]:
    vals = [v for s in chart.series for v in s.values if v is not None]
    vals += [t.value for t in chart.targets]
    lo = chart.y_min if chart.y_min is not None else (min(vals) if vals else 0.0)
    hi = chart.y_max if chart.y_max is not None else (max(vals) if vals else 1.0)
    if chart.y_min is None or chart.y_max is None:
        pad = (hi - lo) * 0.1 or 1.0
        lo = lo - pad if chart.y_min is None else lo
        hi = hi + pad if chart.y_max is None else hi
    if hi <= lo:
        hi = lo + 1.0
    # Widen to round numbers so the axis reads 60, 80, 100 rather than 57.5, 82.5.
    step = _step(hi - lo)
    if chart.y_min is None:
        lo = math.floor(lo / step) * step
    if chart.y_max is None:
        hi = math.ceil(hi / step) * step
    return lo, hi


def _step(span: float, n: int = 4) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``n`` intervals."""
    raw = span / n
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _ticks(lo: float, hi: float) -> list[float]:
    step = _step(hi - lo)
    first = math.ceil(lo / step - 1e-9) * step
    out = []
    t = first
    while t <= hi + 1e-9:
        out.append(round(t, 10))
        t += step
    return out


def render(chart: Chart) -> str:
    """The chart as an ``<svg>`` element (a string, escaped)."""
    lo, hi = _bounds(chart)
    n = len(chart.labels)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / n if n else 0)

    def y(v: float) -> float:
        v = min(max(v, lo), hi)
        return TOP + plot_h * (1 - (v - lo) / (hi - lo))

    out = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" width="100%" role="img" '
        f'aria-label="{escape(chart.title)}" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(chart.title)}</title><desc>{escape(chart.desc or chart.title)}</desc>",
    ]
    for t in _ticks(lo, hi):
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end">'
            f"{escape(_fmt(t) + chart.y_suffix)}</text>"
        )
    # At most ~8 x labels, counted back from the latest so that it is always labelled and
    # the spacing stays even (labels never collide at the viewBox width).
    every = max(1, -(-n // 8))
    for i, label in enumerate(chart.labels):
        if (n - 1 - i) % every == 0:
            out.append(
                f'<text class="tick" x="{x(i):.1f}" y="{H - BOTTOM + 18}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    for t in chart.targets:
        out.append(
            f'<g class="target" data-target="{escape(_fmt(t.value))}">'
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(t.value):.1f}" y2="{y(t.value):.1f}"/>'
            f'<text x="{LEFT + 6}" y="{y(t.value) - 5:.1f}">'
            f"{escape(t.label)} {escape(_fmt(t.value) + chart.y_suffix)}</text></g>"
        )
    for s in chart.series:
        pts: list[str] = []
        dots: list[str] = []
        prev = None
        for i, v in enumerate(s.values):
            if v is None:
                continue
            if chart.step and prev is not None:
                pts.append(f"{x(i):.1f},{y(prev):.1f}")
            pts.append(f"{x(i):.1f},{y(v):.1f}")
            dots.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3"><title>{escape(chart.labels[i])}: '
                f"{escape(_fmt(v) + chart.y_suffix)}</title></circle>"
            )
            prev = v
        out.append(
            f'<g class="series {escape(s.css)}" data-name="{escape(s.name)}">'
            f'<polyline fill="none" points="{" ".join(pts)}"/>{"".join(dots)}</g>'
        )
    if len(chart.series) > 1 or chart.targets:
        lx = LEFT
        for s in chart.series:
            out.append(
                f'<g class="legend series {escape(s.css)}"><rect x="{lx}" y="{H - 14}" width="10" height="10"/>'
                f'<text x="{lx + 14}" y="{H - 5}">{escape(s.name)}</text></g>'
            )
            lx += 24 + 7 * len(s.name)
    out.append("</svg>")
    return "".join(out)


def month_labels(months: Sequence[tuple[int, int]]) -> list[str]:
    return [f"{y:04d}-{m:02d}" for y, m in months]
