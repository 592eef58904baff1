"""A server-drawn SVG bar chart of weekly activity: no JavaScript, no library to load, and the
series differ by pattern as well as colour so the chart reads in greyscale too."""

from dataclasses import dataclass

WIDTH = 720
HEIGHT = 220
MARGIN_LEFT = 32
MARGIN_BOTTOM = 28
MARGIN_TOP = 10
# A week's label ("07 Sep") needs about this much room: a longer chart labels every other week,
# or every third, so that labels never overlap (the table under the chart has every week).
LABEL_WIDTH = 48
# The axis' numbers are right-aligned left of the plot: about this much room per digit.
DIGIT_WIDTH = 7

SERIES = [
    ("outreach", "Outreach sent", "url(#pattern-solid)"),
    ("interviews", "Interviews held", "url(#pattern-hatch)"),
    ("thank_yous", "Thank-yous sent", "url(#pattern-dots)"),
]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: int


@dataclass(frozen=True)
class WeekLabel:
    x: float
    label: str


def nice_axis(highest: int) -> tuple[int, int]:
    """The axis' top and its step between labelled lines: at most four steps of 1, 2 or 5
    times a power of ten (3 -> 0 1 2 3; 7 -> 0 2 4 6 8; 130 -> 0 50 100 150)."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if highest <= 4 * step:
                return -(-highest // step) * step, step
        magnitude *= 10


def activity_chart(weeks) -> dict:
    """Geometry for templates/dashboard/_activity_chart.html."""
    top, step = nice_axis(max([1, *(getattr(w, name) for w in weeks for name, _, _ in SERIES)]))
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    # A practice's weeks reach thousands: the plot moves right to leave their numbers room.
    margin_left = max(MARGIN_LEFT, 10 + DIGIT_WIDTH * len(str(top)))
    slot = (WIDTH - margin_left) / max(len(weeks), 1)
    bar_width = slot * 0.8 / len(SERIES)
    label_every = -(-LABEL_WIDTH // int(slot)) if slot < LABEL_WIDTH else 1
    bars, labels = [], []
    for index, week in enumerate(weeks):
        left = margin_left + index * slot + slot * 0.1
        for offset, (name, label, fill) in enumerate(SERIES):
            value = getattr(week, name)
            height = plot_height * value / top
            bars.append(
                Bar(
                    x=round(left + offset * bar_width, 1),
                    y=round(MARGIN_TOP + plot_height - height, 1),
                    width=round(bar_width - 1, 1),
                    height=round(height, 1),
                    fill=fill,
                    title=f"Week of {week.start:%d %b}: {value} {label.lower()}",
                )
            )
        label_x = left + slot * 0.4
        if index % label_every == 0 and label_x + LABEL_WIDTH / 2 <= WIDTH:
            labels.append(WeekLabel(x=round(label_x, 1), label=f"{week.start:%d %b}"))
    ticks = [
        Tick(y=round(MARGIN_TOP + plot_height - plot_height * value / top, 1), label=value)
        for value in range(0, top + 1, step)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "series": SERIES,
        "axis_x": margin_left,
        "axis_y": HEIGHT - MARGIN_BOTTOM,
        "weeks": weeks,
    }
