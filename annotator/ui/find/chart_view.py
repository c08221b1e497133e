"""Drawing a ``Tally`` as stacked bars or lines with QPainter: on screen, into a PNG and
into an SVG, by the same code, so a saved chart is what the window showed.

QPainter and QtSvg come with PySide6-Essentials (Qt's chart module does not), so charts
add no dependency and nothing to start-up: this module is imported when a chart is first
drawn. ``layout`` is the geometry alone, which the tests read back from a saved PNG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from annotator.domain.chart_style import BACKGROUND, GRID, INK, PALETTE
from annotator.domain.tally import Tally

__all__ = ["BACKGROUND", "GRID", "INK", "PALETTE", "ChartView", "layout", "paint"]
KINDS = ("bars", "lines")


@dataclass(frozen=True)
class Layout:
    plot: QRectF  # the area inside the axes
    top: int  # the value at the plot's top edge
    ticks: tuple[int, ...]
    bars: tuple[tuple[int, int, QRectF], ...]  # (series, bucket, rectangle), stacked
    points: tuple[tuple[int, int, QPointF], ...]  # (series, bucket, point), for lines
    label_every: int  # every n-th bucket is named on the x axis


def _nice_top(largest: int) -> tuple[int, tuple[int, ...]]:
    """An axis top at or above ``largest`` and 3–6 round ticks to it."""
    if largest <= 0:
        return 1, (0, 1)
    raw = largest / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    top = step * math.ceil(largest / step)
    return top, tuple(range(0, top + 1, step))


def colours_for(tally: Tally, known: dict[str, str] | None = None) -> list[QColor]:
    known = known or {}
    spare = iter(c for c in PALETTE if c not in known.values())
    return [QColor(known.get(s) or next(spare, "#777777")) for s in tally.series]


def layout(tally: Tally, width: float, height: float, kind: str, font: QFont) -> Layout:
    metrics = QFontMetricsF(font)
    line = metrics.height()
    stacked = kind == "bars"
    largest = (max((tally.total(b) for b in tally.buckets), default=0) if stacked
               else tally.largest)
    top, ticks = _nice_top(largest)
    left = metrics.horizontalAdvance(f"{top:,}") + 14
    legend = line * 1.6
    plot = QRectF(round(left), round(line * 2.2 + legend), max(10, round(width - left - 16)),
                  max(10, round(height - line * 2.2 - legend - line * 2.6)))  # whole pixels
    n = max(1, len(tally.buckets))
    slot = plot.width() / n
    widest = max((metrics.horizontalAdvance(b) for b in tally.buckets), default=0) + 8
    label_every = max(1, math.ceil(widest / slot))
    scale = plot.height() / top
    bars: list[tuple[int, int, QRectF]] = []
    points: list[tuple[int, int, QPointF]] = []
    for j, bucket in enumerate(tally.buckets):
        x = plot.left() + j * slot
        below = 0  # stacked so far; each edge on a whole pixel, so the heights add up
        for i, series in enumerate(tally.series):
            value = tally.value(bucket, series)
            if stacked and value:
                low = round(plot.bottom() - below * scale)
                high = round(plot.bottom() - (below + value) * scale)
                bars.append((i, j, QRectF(round(x + slot * 0.15), high,
                                          max(1, round(slot * 0.7)), low - high)))
                below += value
            elif not stacked:
                points.append((i, j, QPointF(x + slot / 2, plot.bottom() - value * scale)))
    return Layout(plot, top, ticks, tuple(bars), tuple(points), label_every)


def paint(painter: QPainter, size: QSize | QRectF, tally: Tally, kind: str, title: str,
          colours: list[QColor]) -> None:
    width, height = size.width(), size.height()
    font = QFont(painter.font())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, kind == "lines")
    painter.fillRect(QRectF(0, 0, width, height), QColor(BACKGROUND))
    geometry = layout(tally, width, height, kind, font)
    plot = geometry.plot
    metrics = QFontMetricsF(font)
    line = metrics.height()
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.setPen(QColor(INK))
    painter.drawText(QRectF(8, 4, width - 16, line * 1.4), Qt.AlignmentFlag.AlignLeft
                     | Qt.AlignmentFlag.AlignVCenter, title)
    painter.setFont(font)
    x = 8.0  # the legend, one swatch per series
    for i, series in enumerate(tally.series):
        painter.fillRect(QRectF(x, line * 1.9, line * 0.8, line * 0.8), colours[i])
        painter.drawText(QPointF(x + line, line * 1.9 + line * 0.75), series)
        x += line * 1.8 + metrics.horizontalAdvance(series)
    if not tally.buckets:
        painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "Nothing coded yet")
        return
    scale = plot.height() / geometry.top
    for tick in geometry.ticks:  # grid lines and their numbers
        y = plot.bottom() - tick * scale
        painter.setPen(QPen(QColor(GRID), 1))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor(INK))
        painter.drawText(QRectF(0, y - line / 2, plot.left() - 6, line),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         f"{tick:,}")
    for i, _j, rect in geometry.bars:
        painter.fillRect(rect, colours[i])
    for i in range(len(tally.series)):
        mine = [p for s, _, p in geometry.points if s == i]
        if mine:
            path = QPainterPath(mine[0])
            for point in mine[1:]:
                path.lineTo(point)
            painter.setPen(QPen(colours[i], 2.5))
            painter.drawPath(path)
            painter.setBrush(colours[i])
            for point in mine:
                painter.drawEllipse(point, 3, 3)
            painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(INK), 1))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    slot = plot.width() / len(tally.buckets)
    for j, bucket in enumerate(tally.buckets):
        if j % geometry.label_every == 0:
            painter.drawText(QRectF(plot.left() + j * slot - slot * geometry.label_every / 2
                                    + slot / 2, plot.bottom() + 4, slot * geometry.label_every,
                                    line), Qt.AlignmentFlag.AlignHCenter
                             | Qt.AlignmentFlag.AlignTop, bucket)


def save_png(path: Path, tally: Tally, kind: str, title: str, colours: list[QColor],
             size: QSize = QSize(1200, 700)) -> None:  # noqa: B008 - an immutable default
    image = QImage(size, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    paint(painter, QRectF(0, 0, size.width(), size.height()), tally, kind, title, colours)
    painter.end()
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]  # str works, bytes not
        raise OSError(f"{path}: the image could not be written")


def save_svg(path: Path, tally: Tally, kind: str, title: str, colours: list[QColor],
             size: QSize = QSize(1200, 700)) -> None:  # noqa: B008
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    painter = QPainter(generator)
    paint(painter, QRectF(0, 0, size.width(), size.height()), tally, kind, title, colours)
    painter.end()
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"{path}: the drawing could not be written")


class ChartView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.tally: Tally | None = None
        self.kind, self.title, self.colours = "bars", "", list[QColor]()
        self.setMinimumSize(480, 320)

    def show_tally(self, tally: Tally, kind: str, title: str, colours: list[QColor]) -> None:
        self.tally, self.kind, self.title, self.colours = tally, kind, title, colours
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt's name
        if self.tally is None:
            return
        painter = QPainter(self)
        paint(painter, QRectF(self.rect()), self.tally, self.kind, self.title, self.colours)
        painter.end()
