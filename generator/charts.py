"""Charts drawn at build time as static, accessible SVG; each comes with a text alternative."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

from generator.model import Claim, HistoryEntry, Rating, ReconstructedVerdict

# Charts are drawn at the width a 360 px phone gives them (about 328 px) and shown at their own
# size, never scaled up: with 14 px text in the stylesheet, labels stay at 12 px or more. Labels
# sit above their bar or line, so a long verdict label never runs out of the chart.
BAR_HEIGHT = 20
LABEL_HEIGHT = 20
ROW_GAP = 10
CHART_WIDTH = 340
# Room for a date label ("10 Oct 2024") on the timeline's axis.
DATE_LABEL_WIDTH = 82
# The least distance between two points of a timeline, whose points are 12 px wide.
POINT_GAP = 18


def _frame(name: str, width: int, height: int, title: str, description: str, body: str) -> Markup:
    """An <svg> announced by its title and description; `name` keeps its ids unique on a page."""
    number = escape(name)
    return Markup(
        f'<svg class="fc-chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" '
        f'aria-labelledby="fc-chart-{number}-title fc-chart-{number}-desc" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="fc-chart-{number}-title">{escape(title)}</title>'
        f'<desc id="fc-chart-{number}-desc">{escape(description)}</desc>{body}</svg>'
    )


def verdict_bars(name: str, counts: Sequence[tuple[Rating, int]], title: str) -> Markup:
    """Horizontal bars, one per verdict, best verdict first, each under its label."""
    largest = max((count for _, count in counts), default=0) or 1
    span = CHART_WIDTH - 40
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    rows = []
    for row, (rating, count) in enumerate(counts):
        y = row * row_height
        width = max(round(span * count / largest), 1)
        rows.append(
            f'<text x="0" y="{y + 14}" class="fc-chart__label">{escape(rating.label)}</text>'
            f'<rect x="0" y="{y + LABEL_HEIGHT}" width="{width}" height="{BAR_HEIGHT}" '
            f'class="fc-bar fc-verdict--{escape(rating.id)}" rx="3"/>'
            f'<text x="{width + 6}" y="{y + LABEL_HEIGHT + 15}" class="fc-chart__value">'
            f"{count}</text>"
        )
    description = "; ".join(f"{rating.label}: {count}" for rating, count in counts)
    height = len(counts) * row_height - ROW_GAP
    return _frame(name, CHART_WIDTH, height, title, description, "".join(rows))


def claims_per_month(claims: Sequence[Claim]) -> list[tuple[str, int]]:
    """Claims counted by the month they were made, oldest first, gaps included."""
    counts = Counter((claim.claimed.year, claim.claimed.month) for claim in claims)
    if not counts:
        return []
    (year, month), last = min(counts), max(counts)
    months = []
    while (year, month) <= last:
        months.append((f"{date(year, month, 1):%b %Y}", counts[(year, month)]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_columns(name: str, months: Sequence[tuple[str, int]], title: str) -> Markup:
    """Vertical columns, one per month."""
    height = 160
    largest = max((count for _, count in months), default=0) or 1
    step = max(CHART_WIDTH // max(len(months), 1), 12)
    width = step * len(months)
    columns = []
    for column, (label, count) in enumerate(months):
        bar = round((height - 40) * count / largest)
        x = column * step
        columns.append(
            f'<rect x="{x + 2}" y="{height - 24 - bar}" width="{step - 4}" height="{bar}" '
            f'class="fc-bar fc-bar--neutral" rx="2"/>'
        )
        if count:
            columns.append(
                f'<text x="{x + step / 2}" y="{height - 28 - bar}" text-anchor="middle" '
                f'class="fc-chart__value">{count}</text>'
            )
        # Every month is named while the names fit; otherwise the first and the last only.
        if len(months) <= 4:
            anchor, label_x = "middle", x + step / 2
        elif column in (0, len(months) - 1):
            anchor, label_x = ("start", x) if column == 0 else ("end", x + step)
        else:
            continue
        columns.append(
            f'<text x="{label_x}" y="{height - 6}" text-anchor="{anchor}" '
            f'class="fc-chart__label">{escape(label)}</text>'
        )
    description = "; ".join(f"{label}: {count}" for label, count in months if count)
    return _frame(name, max(width, 120), height, title, description, "".join(columns))


def verdict_timeline(
    history: Sequence[HistoryEntry | ReconstructedVerdict],
    ratings: dict[str, Rating],
    name: str = "timeline",
    title: str = "Verdict over time",
) -> Markup:
    """The verdict at each date: a step line over the scale, best verdict at the top."""
    scale = sorted(ratings.values(), key=lambda rating: -rating.value)
    row_of = {rating.id: row for row, rating in enumerate(scale)}
    top, row_height, margin = LABEL_HEIGHT + 2, LABEL_HEIGHT + 16, 10
    plot_width = CHART_WIDTH - 2 * margin
    days = [entry.date.toordinal() for entry in history]
    xs = _spaced(days, margin, margin + plot_width, POINT_GAP)

    def y_of(entry: HistoryEntry | ReconstructedVerdict) -> int:
        return top + row_of[entry.rating] * row_height

    parts = [
        f'<line x1="0" x2="{CHART_WIDTH}" y1="{top + row * row_height}" '
        f'y2="{top + row * row_height}" class="fc-chart__grid"/>'
        for row in range(len(scale))
    ]
    # Labels come last, with a halo, so that a step of the line never hides one.
    labels = [
        f'<text x="0" y="{top + row * row_height - 10}" class="fc-chart__label fc-chart__halo">'
        f"{escape(rating.label)}</text>"
        for row, rating in enumerate(scale)
    ]
    points = [f"{xs[0]:.1f},{y_of(history[0])}"]
    for (previous, entry), x in zip(itertools.pairwise(history), xs[1:], strict=True):
        points += [f"{x:.1f},{y_of(previous)}", f"{x:.1f},{y_of(entry)}"]
    parts.append(f'<polyline points="{" ".join(points)}" class="fc-chart__line"/>')
    for entry, x in zip(history, xs, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y_of(entry)}" r="6" '
            f'class="fc-bar fc-verdict--{escape(entry.rating)}"/>'
        )
    parts += labels
    axis_y = top + (len(scale) - 1) * row_height + 26
    first_x, last_x = xs[0], xs[-1]
    # The first date starts at its point and the last ends at its point; dates too close to
    # share a line put the last one on a line of its own.
    last_y = axis_y if last_x - first_x >= 2 * DATE_LABEL_WIDTH else axis_y + 18
    parts.append(
        f'<text x="{first_x:.1f}" y="{axis_y}" text-anchor="start" '
        f'class="fc-chart__label">{_short_date(history[0].date)}</text>'
        f'<text x="{last_x:.1f}" y="{last_y}" text-anchor="end" '
        f'class="fc-chart__label">{_short_date(history[-1].date)}</text>'
    )
    description = "; ".join(
        f"{entry.date:%d %B %Y}: {ratings[entry.rating].label}" for entry in history
    )
    body = "".join(parts)
    return _frame(name, CHART_WIDTH, last_y + 8, title, description, body)


def _spaced(days: list[int], left: float, right: float, gap: float) -> list[float]:
    """Positions from `left` to `right` in proportion to `days` (in order), moved apart where
    two would be closer than `gap`: dates a few days apart must not draw one blot."""
    first, spread = days[0], max(days[-1] - days[0], 1)
    xs = [left + (right - left) * (day - first) / spread for day in days]
    if (len(xs) - 1) * gap > right - left:
        return [left + (right - left) * number / max(len(xs) - 1, 1) for number in range(len(xs))]
    for number in range(1, len(xs)):
        xs[number] = max(xs[number], xs[number - 1] + gap)
    xs[-1] = min(xs[-1], right)
    for number in range(len(xs) - 2, -1, -1):
        xs[number] = min(xs[number], xs[number + 1] - gap)
    return xs


def _short_date(value: date) -> str:
    return f"{value.day} {value:%b %Y}"
