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
    first, last = history[0].date.toordinal(), history[-1].date.toordinal()
    spread = max(last - first, 1)

    def x_of(entry: HistoryEntry | ReconstructedVerdict) -> float:
        return margin + plot_width * (entry.date.toordinal() - first) / spread

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
    points = []
    for previous, entry in itertools.pairwise(history):
        points += [f"{x_of(entry):.1f},{y_of(previous)}", f"{x_of(entry):.1f},{y_of(entry)}"]
    start = f"{x_of(history[0]):.1f},{y_of(history[0])}"
    parts.append(f'<polyline points="{" ".join([start, *points])}" class="fc-chart__line"/>')
    for entry in history:
        parts.append(
            f'<circle cx="{x_of(entry):.1f}" cy="{y_of(entry)}" r="6" '
            f'class="fc-bar fc-verdict--{escape(entry.rating)}"/>'
        )
    parts += labels
    axis_y = top + (len(scale) - 1) * row_height + 26
    first_x, last_x = x_of(history[0]), x_of(history[-1])
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


def _short_date(value: date) -> str:
    return f"{value.day} {value:%b %Y}"
