"""Tools → Charts: the counts in the table, the chart saved as PNG read back pixel by pixel
against those numbers, SVG, lines, labels per category, and blind coding."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QFileDialog

from annotator.domain.model import NewDocument
from annotator.services import actions
from annotator.ui.find import chart_view, charts_window

NATO = "No NATO expansion"


def _project(tmp_path: Path):  # type: ignore[no-untyped-def]
    project = actions.new_project(tmp_path / "c.annotator")
    dates = ["2022-01-05", "2022-01-20", "2022-03-02", None]
    project.import_documents([NewDocument(f"Article {i} says Putin demands guarantees.",
                                          title=f"t{i}", date=d, outlet=f"o{i % 2}")
                              for i, d in enumerate(dates)])
    for doc, n in ((1, 3), (2, 1), (3, 2), (4, 1)):
        for k in range(n):
            project.add_span(doc, "ana", "speaker", 0, 7 + k)
    project.add_span(1, "ana", "demand", 10, 15, label="no_nato_expansion")
    project.add_span(3, "ana", "demand", 10, 15)
    project.add_span(3, "ben", "demand", 10, 15)
    return project


def _table(panel) -> list[list[str]]:  # type: ignore[no-untyped-def]
    t = panel.table
    return [[t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]] + [
        [t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_a_saved_png_shows_the_tables_numbers(make_window, qtbot, monkeypatch,  # type: ignore[no-untyped-def]
                                              tmp_path: Path) -> None:
    window = make_window(_project(tmp_path))
    qtbot.keyClick(window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    panel = window.charts_window
    assert panel.isVisible()
    assert _table(panel) == [["month", "Speaker", "Demand", "total"],
                             ["2022-01", "4", "1", "5"], ["2022-02", "0", "0", "0"],
                             ["2022-03", "2", "1", "3"], ["(no date)", "1", "0", "1"]]
    assert panel.coder.count() == 1  # blind: my spans only

    out = tmp_path / "chart.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    panel.save_png()
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 700)
    probe = QImage(10, 10, QImage.Format.Format_RGB32)
    painter = QPainter(probe)
    font = painter.font()
    painter.end()
    geometry = chart_view.layout(panel.tally, 1200, 700, "bars", font)
    scale = geometry.plot.height() / geometry.top
    background = {QColor(chart_view.BACKGROUND).rgb(), QColor(chart_view.GRID).rgb()}
    totals = {row[0]: int(row[-1]) for row in _table(panel)[1:]}
    slot = geometry.plot.width() / len(panel.tally.buckets)
    for j, bucket in enumerate(panel.tally.buckets):  # measure each bar in the image
        x = int(geometry.plot.left() + j * slot + slot / 2)
        y, height = int(geometry.plot.bottom()) - 1, 0
        while y > geometry.plot.top() and image.pixel(x, y) not in background:
            height, y = height + 1, y - 1
        assert abs(height - totals[bucket] * scale) <= 1.5, bucket
    for series, _bucket, rect in geometry.bars:  # and each part in its series' colour
        centre = rect.center()
        assert image.pixelColor(int(centre.x()), int(centre.y())) == panel.colours[series]
    speaker = window.project.scheme.category("speaker").colour
    assert panel.colours[0] == QColor(speaker)  # categories keep their highlight colour

    svg = tmp_path / "chart.svg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(svg), ""))
    panel.save_svg()
    drawing = svg.read_text(encoding="utf-8")
    assert drawing.startswith("<?xml") and "<svg" in drawing and "2022-03" in drawing

    panel.kind.setCurrentIndex(panel.kind.findData("lines"))
    panel.by.setCurrentIndex(panel.by.findData("outlet"))
    assert _table(panel)[1:] == [["o0", "5", "2", "7"], ["o1", "2", "0", "2"]]  # biggest first
    assert len(panel.chart.tally.buckets) == 2 and panel.chart.kind == "lines"
    panel.what.setCurrentIndex(panel.what.findData("demand"))
    assert _table(panel) == [["outlet", NATO, "(no label)", "total"], ["o0", "1", "1", "2"]]

    window.coder_panel.set_blind(False)
    panel = charts_window.open_charts(window)
    panel.coder.setCurrentIndex(panel.coder.findData(charts_window._ALL))
    assert _table(panel)[1] == ["o0", "1", "2", "3"]  # ben's demand too
