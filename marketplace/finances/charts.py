"""Chart geometry for the finances pages (drawn as SVG by the templates, each chart beside its table)."""

from __future__ import annotations

from dataclasses import dataclass

from .origins import IN_KIND, PRIVATE, PUBLIC
from .ratios import TARGET, Figures

WIDTH, LABEL_WIDTH, RIGHT_MARGIN, ROW = 480, 136, 66, 30
COLOURS = {PUBLIC: "#5c7cfa", PRIVATE: "#2b8a3e", IN_KIND: "#e8a33d"}
FLAGGED, PLAIN = "#c92a2a", "#2b8a3e"


def _x(per_mille: int) -> float:
    return LABEL_WIDTH + (WIDTH - LABEL_WIDTH - RIGHT_MARGIN) * max(0, min(per_mille, 1000)) / 1000


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # per mille
    flagged: bool
    y: float

    @property
    def width(self) -> float:
        return _x(self.value or 0) - LABEL_WIDTH

    @property
    def colour(self) -> str:
        return FLAGGED if self.flagged else PLAIN


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars from 0 to 100 % with the 50 % target drawn across."""

    bars: list[Bar]

    width: int = WIDTH

    @property
    def height(self) -> int:
        return ROW * len(self.bars) + 30

    @property
    def target_x(self) -> float:
        return _x(TARGET)

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 8

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH

    @property
    def full_x(self) -> float:
        return _x(1000)


def ratio_chart(rows: list[tuple[str, int | None, bool]]) -> BarChart:
    """One bar per (label, ratio per mille, flagged) row."""
    return BarChart([Bar(label, value, flagged, 10 + index * ROW) for index, (label, value, flagged) in enumerate(rows)])


@dataclass(frozen=True)
class Segment:
    group: str
    x: float
    width: float
    share: int  # per mille
    colour: str


@dataclass(frozen=True)
class StackRow:
    label: str
    y: float
    segments: list[Segment]


@dataclass(frozen=True)
class StackChart:
    rows: list[StackRow]
    width: int = WIDTH
    label_x: int = LABEL_WIDTH - 8
    bar_x: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return ROW * len(self.rows) + 14


def resources_chart(rows: list[tuple[str, Figures]]) -> StackChart:
    """Per scenario, one bar of 100 % split into public, private and in-kind resources."""
    stacks = []
    for index, (label, figures) in enumerate(rows):
        total, x, segments = figures.resources, float(LABEL_WIDTH), []
        if total > 0:
            for group, cents in ((PUBLIC, figures.public), (PRIVATE, figures.private), (IN_KIND, figures.in_kind)):
                share = cents * 1000 / total
                width = (WIDTH - LABEL_WIDTH - RIGHT_MARGIN) * share / 1000
                segments.append(Segment(group, x, width, round(share), COLOURS[group]))
                x += width
        stacks.append(StackRow(label, 10 + index * ROW, segments))
    return StackChart(stacks)
