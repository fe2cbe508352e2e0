"""The Debrief window's interactive tabs: what-ifs, after-action report, replay, cohort."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalPercentBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from game.debrief.cohort import Cohort, load_cohort
from game.debrief.luck import DEFAULT_DICE, add_dice, dice_line, luck_note
from game.debrief.model import STATUS_WORDS, Debrief, format_clock
from game.debrief.pdf_layout import column_widths
from game.debrief.whatif import DEFAULT_CONTINUATIONS, WhatIf, what_if, who_could_pick_up
from game.debrief.whatif_store import load_whatifs, save_whatif
from game.engine.scoring import format_score
from game.scenario.compile import CompiledScenario

from .workers import Job, failure_text


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _e(text: object) -> str:
    return escape("" if text is None else str(text))


def _item(text: object, tip: str | None = None, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tip:
        item.setToolTip(tip)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def rich_view(name: str) -> QTextBrowser:
    """A read-only rich-text view styled like the printed report (palette colours)."""
    from game.debrief.export_html import BASE_CSS

    view = QTextBrowser()
    view.setOpenLinks(False)
    view.setAccessibleName(name)
    view.document().setDefaultStyleSheet(BASE_CSS)
    view.document().setDocumentMargin(10)
    return view


def fit_rows(table: QTableWidget) -> None:
    """Keep a word-wrapping table's row heights right as its columns get their real widths."""
    timer = QTimer(table)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(table.resizeRowsToContents)
    table.horizontalHeader().sectionResized.connect(lambda *_: timer.start())
    table.horizontalHeader().geometriesChanged.connect(timer.start)
    table.resizeRowsToContents()


class ColumnFitter(QObject):
    """Share a table's width between its columns by weight, never below a header's text.

    Fixed pixel widths overflow a small screen (the last header read "Facilitato")
    and waste a large one; this re-shares on every resize until the user drags a
    column edge themselves.
    """

    def __init__(self, table: QTableWidget, weights: tuple[float, ...]) -> None:
        super().__init__(table)
        self.table = table
        self.weights = weights
        self.user_sized = False
        self._fitting = False
        self._viewport = table.viewport()
        self._viewport.installEventFilter(self)
        table.horizontalHeader().sectionResized.connect(self._resized_by_hand)
        self.fit()

    def header_width(self, column: int) -> int:
        header = self.table.horizontalHeader()
        item = self.table.horizontalHeaderItem(column)
        text = item.text() if item is not None else ""
        font = QFont(header.font())
        font.setBold(True)  # the style sheet sets section titles in bold
        metrics = QFontMetrics(font)
        widest = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)
        return widest + 30  # padding, sort arrow room

    def fit(self) -> None:
        if self.user_sized:
            return
        header = self.table.horizontalHeader()
        width = self.table.viewport().width()
        count = min(len(self.weights), self.table.columnCount())
        mins = [self.header_width(c) for c in range(count)]
        total = sum(self.weights[:count]) or 1.0
        preferred = [width * w / total for w in self.weights[:count]]
        # Never below a header; what the wide headers take comes out of the other columns.
        sizes = [int(x) for x in column_widths(preferred, [float(m) for m in mins],
                                               float(width))]
        self._fitting = True
        try:
            for column, size in enumerate(sizes):
                header.resizeSection(column, size)
        finally:
            self._fitting = False

    def _resized_by_hand(self, *_args: object) -> None:
        if not self._fitting and self.table.horizontalHeader().underMouse():
            self.user_sized = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize \
                and isValid(self.table):
            self.fit()
        return False


def read_only_table(headers: tuple[str, ...]) -> QTableWidget:
    """A table users read (not edit), with word-wrapped rows."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


# --------------------------------------------------------------------------
# What-ifs
# --------------------------------------------------------------------------


class WhatIfPanel(QWidget):
    """Fork the session at a decision and see where each alternative leads."""

    # Two-line headers, so that every title fits its column at 1024x700.
    WHATIF_COLUMNS = ("Alternative", "Expert\nplays on", "Score", "Peak",
                      "Random games\nend in", "Mean", "Score\nrange", "Peak\nmean/max",
                      "Contact\nmade", "Who could pick\nup at the end")
    finished = Signal(object)

    def __init__(self, debrief: Debrief, scenario: CompiledScenario | None,
                 inputs: list[dict[str, Any]], parent: QWidget | None = None,
                 journal: Any = None) -> None:
        """Build the panel.

        Args:
            debrief: The debrief (for the decision list).
            scenario: The scenario the inputs replay on (None: what-ifs unavailable).
            inputs: The session's inputs.
            parent: Parent widget.
            journal: Where what-ifs are kept with the session (None: not kept).
        """
        super().__init__(parent)
        self.debrief = debrief
        self.scenario = scenario
        self.inputs = inputs
        self.journal = journal
        self.job: Job | None = None
        self.result: WhatIf | None = None
        self.results: dict[int, WhatIf] = {}
        if journal is not None and debrief.session_id:
            try:
                self.results = {w.decision: w for w in
                                load_whatifs(journal, debrief.session_id)}
            except Exception:  # noqa: BLE001 - unreadable saved what-ifs are just not shown
                self.results = {}
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Pick a decision: the session is replayed up to it with the same seed, each "
            "alternative is taken, and the rest of the game is played once by the expert and "
            "many times at random. Where does each road lead?")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.decision = QComboBox()
        self.decision.setToolTip("The decision to fork at: the session is replayed up to it")
        self.decision.setAccessibleName("Decision to fork at")
        # Long decision titles must not widen the window past a small screen.
        self.decision.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.decision.setMinimumContentsLength(24)
        for k, d in enumerate(debrief.decisions):
            turn = next(t for t in debrief.turns if t.decision is d)
            self.decision.addItem(f"{k + 1}. {turn.title} — you chose: {d.label}", k)
        self.runs = QSpinBox()
        self.runs.setToolTip("How many random games follow each alternative")
        self.runs.setRange(10, 5000)
        self.runs.setSingleStep(50)
        self.runs.setValue(DEFAULT_CONTINUATIONS)
        self.runs.setSuffix(" random games each")
        self.runs.setAccessibleName("Random continuations per alternative")
        self.run_button = QPushButton("Explore what-ifs")
        self.run_button.setToolTip("Play every alternative of this decision to the end "
                                   "(in the background)")
        self.run_button.setProperty("primary", True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the what-ifs; the games played so far are kept")
        self.cancel_button.setEnabled(False)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(QLabel("Decision:"))
        row.addWidget(self.decision, 1)
        row.addWidget(self.runs)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        layout.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = read_only_table(self.WHATIF_COLUMNS)
        self.table.setAccessibleName("Where each alternative leads")
        self.table.horizontalHeader().setStretchLastSection(False)
        self.columns = ColumnFitter(self.table, (20, 12, 5, 5, 20, 5, 8, 8, 8, 22))
        fit_rows(self.table)
        split.addWidget(self.table)
        self.chart = QChartView()
        self.chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart.setMinimumHeight(220)
        self.chart.setAccessibleName("Endings of the random games for each alternative")
        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self.chart, 1)
        # The endings' colours, as wrapped text: the chart's own legend cuts long titles.
        self.legend = QLabel("")
        self.legend.setObjectName("whatif-legend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        chart_layout.addWidget(self.legend)
        split.addWidget(chart_box)
        split.setSizes([340, 250])
        split.setChildrenCollapsible(False)
        self.table.setMinimumHeight(160)
        layout.addWidget(split, 1)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.note)
        if scenario is None or not debrief.replayed or not debrief.decisions:
            self.run_button.setEnabled(False)
            self.status.setText("What-ifs need the scenario the session replays on; it is not "
                                "available (see the note at the top).")
        self.decision.currentIndexChanged.connect(lambda _i: self._show_saved())
        self._show_saved()

    def _show_saved(self) -> None:
        """Show the saved what-if of the selected decision, if there is one."""
        k = self.decision.currentData()
        saved = self.results.get(int(k)) if k is not None else None
        if saved is not None and self.job is None:
            self.result = saved
            self.status.setText(f"Saved with the session: decision {saved.decision + 1} — "
                                f"{saved.node_title}, {saved.n} random games per alternative"
                                + (f", the expert over {saved.dice_n} other rolls of the dice"
                                   if saved.dice_n else "") + ".")
            self.progress.setValue(100)
            self.show_result(saved)

    def run(self) -> None:
        """Start the what-ifs of the selected decision off the GUI thread."""
        if self.scenario is None or self.job is not None:
            return
        k = int(self.decision.currentData())
        n = self.runs.value()
        scenario, seed, inputs, roles = self.scenario, self.debrief.seed, self.inputs, \
            self.debrief.roles

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> WhatIf:
            # Two stages on one bar: the roads (70%), then the expert over other dice (30%).
            result = what_if(scenario, seed, inputs, k, n=n, roles=roles,
                             progress=lambda d, t: progress(70 * d // max(t, 1), 100),
                             cancel=cancelled)
            if not result.cancelled:
                add_dice(result, scenario, inputs, m=min(n, DEFAULT_DICE), roles=roles,
                         progress=lambda d, t: progress(70 + 30 * d // max(t, 1), 100),
                         cancel=cancelled)
            return result

        self.job = Job(work, self)
        self.job.signals.progress.connect(self._progress)
        self.job.signals.done.connect(self._done)
        self.job.signals.failed.connect(self._failed)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(f"Playing every alternative of decision {k + 1} to the end…")
        self.job.start()

    def cancel(self) -> None:
        """Ask the running what-ifs to stop."""
        if self.job is not None:
            self.job.cancel()
            self.status.setText("Stopping…")

    def _progress(self, done: int, total: int) -> None:
        self.progress.setValue(int(100 * done / max(total, 1)))

    def _finish(self) -> None:
        self.job = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.status.setText("The what-ifs failed: " + failure_text(exc))

    def _done(self, result: WhatIf) -> None:
        self._finish()
        self.result = result
        self.results[result.decision] = result
        kept = ""
        if self.journal is not None and self.debrief.session_id and not result.cancelled:
            try:
                save_whatif(self.journal, self.debrief.session_id, result)
                kept = " Kept with the session (exports and `hotline debrief` show it)."
            except Exception as exc:  # noqa: BLE001 - shown, the result stays on screen
                kept = f" Not kept with the session: {failure_text(exc)}."
        self.progress.setValue(100 if not result.cancelled else self.progress.value())
        self.status.setText(
            f"Decision {result.decision + 1} — {result.node_title} "
            f"({format_clock(result.clock)}): {len(result.branches)} alternatives, "
            f"{result.n} random games each" + (" — cancelled, partial results" if
                                                result.cancelled else "") + "." + kept)
        self.show_result(result)
        self.finished.emit(result)

    def show_result(self, result: WhatIf) -> None:
        """Fill the table with a what-if result."""
        self.table.setRowCount(len(result.branches))
        for row, b in enumerate(result.branches):
            tags = []
            if b.chosen:
                tags.append("your choice")
            if b.expert_pick:
                tags.append("expert's pick")
            name = b.label + (f"  ({', '.join(tags)})" if tags else "")
            e, r = b.expert, b.random
            endings = ""
            if r is not None:
                endings = "\n".join(f"{100 * c / r.n:.0f}% {result.ending_titles.get(k, k)}"
                                     for k, c in r.endings)
            cells = [
                _item(name, b.label),
                _item((e.ending_title if e else "—")
                      + (f"\nother dice: average {b.dice.mean_score:.1f}" if b.dice else ""),
                      dice_line(b) or None),
                _item(format_score(e.score) if e else "", align_right=True),
                _item(f"{e.peak_escalation:g}" if e else "", align_right=True),
                _item(endings, endings),
                _item(format_score(r.mean_score) if r else "", align_right=True),
                _item(f"{format_score(r.min_score)}–{format_score(r.max_score)}" if r else ""),
                _item(f"{r.mean_peak:.0f} / {r.max_peak:g}" if r else ""),
                _item(f"{100 * r.contact_rate:.0f}%" if r else ""),
                _item(who_could_pick_up(b, why=False), who_could_pick_up(b)),
            ]
            for col, cell in enumerate(cells):
                if b.chosen:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, col, cell)
        self.table.resizeRowsToContents()
        self._chart(result)
        luck = luck_note(result)
        self.note.setText(
            (luck + "\n\n" if luck else "")
            + "The world's chances are the session's own seed, so the expert road is exactly "
            "what would have happened; “other dice” is the expert playing on over other rolls "
            "of the dice (what the choice is worth apart from this session's luck); the random "
            "games show how robust each choice is to later mistakes. Peak = highest escalation "
            "reached.")

    def _chart(self, result: WhatIf) -> None:
        """Stacked bars: the share of each ending in the random games, per alternative."""
        chart = QChart()
        chart.setTitle(f"Where the random games end — decision {result.decision + 1}")
        series = QHorizontalPercentBarSeries()
        endings: list[str] = []
        for b in result.branches:
            if b.random is not None:
                for key, _count in b.random.endings:
                    if key not in endings:
                        endings.append(key)
        order = {e.ending.id: i for i, e in enumerate(self.scenario.endings)} \
            if self.scenario is not None else {}
        endings.sort(key=lambda k: order.get(k, 99))
        tones = {e.ending.id: e.ending.tone for e in self.scenario.endings} \
            if self.scenario is not None else {}
        shades = {"good": ["#2e7d32", "#66bb6a", "#a5d6a7"], "mixed": ["#c77c00", "#f0b54a",
                  "#f7d794"], "bad": ["#c0392b", "#e57373", "#f4b6b6"]}
        used: dict[str, int] = {}
        swatches = []
        for key in endings:
            title = result.ending_titles.get(key, key)
            bar = QBarSet(title)
            tone = tones.get(key, "mixed")
            palette = shades.get(tone, shades["mixed"])
            colour = palette[min(used.get(tone, 0), len(palette) - 1)]
            bar.setColor(QColor(colour))
            swatches.append(f'<span style="color:{colour}">■</span>&nbsp;{_e(title)}')
            used[tone] = used.get(tone, 0) + 1
            for b in reversed(result.branches):  # the axis lists categories bottom-up
                counts = dict(b.random.endings) if b.random is not None else {}
                bar.append(counts.get(key, 0))
            series.append(bar)
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append([_short(b.label, 48) + (" ★" if b.chosen else "")
                       for b in reversed(result.branches)])
        axis_x = QValueAxis()
        axis_x.setRange(0, 100)
        axis_x.setLabelFormat("%d%%")
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        chart.legend().setVisible(False)
        self.legend.setText(" &nbsp; ".join(swatches))
        # Each bar needs a line of label height, or the axis cuts every label to "…".
        rows = len(result.branches)
        self.chart.setMinimumHeight(110 + 34 * rows)
        self.chart.setChart(chart)

    def shutdown(self) -> None:
        """Stop a running job and wait for it (on close)."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait(5)


# --------------------------------------------------------------------------
# Replay
# --------------------------------------------------------------------------


class ReplayPanel(QWidget):
    """Step through the session turn by turn, as the trainee saw it."""

    def __init__(self, debrief: Debrief, parent: QWidget | None = None) -> None:
        """Build the panel.

        Args:
            debrief: The debrief.
            parent: Parent widget.
        """
        super().__init__(parent)
        self.debrief = debrief
        layout = QVBoxLayout(self)
        nav = QHBoxLayout()
        self.first = QPushButton("« First")
        self.first.setToolTip("The first decision")
        self.first.setAccessibleName("First decision")
        self.prev = QPushButton("‹ Previous")
        self.prev.setToolTip("The decision before")
        self.prev.setAccessibleName("Previous decision")
        self.next = QPushButton("Next ›")
        self.next.setToolTip("The decision after")
        self.next.setAccessibleName("Next decision")
        self.last = QPushButton("Last »")
        self.last.setToolTip("The last decision")
        self.last.setAccessibleName("Last decision")
        self.prev.setShortcut("Left")
        self.next.setShortcut("Right")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Decision shown")
        self.slider.setToolTip("Move through the session decision by decision")
        self.slider.setRange(0, max(len(debrief.turns) - 1, 0))
        self.slider.setAccessibleName("Turn")
        self.position = QLabel("")
        for button in (self.first, self.prev):
            nav.addWidget(button)
        nav.addWidget(self.slider, 1)
        for button in (self.next, self.last):
            nav.addWidget(button)
        nav.addWidget(self.position)
        layout.addLayout(nav)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.setAccessibleName("The turn as the trainee saw it")
        layout.addWidget(self.view, 1)
        self.first.clicked.connect(lambda: self.show_turn(0))
        self.prev.clicked.connect(lambda: self.show_turn(self.slider.value() - 1))
        self.next.clicked.connect(lambda: self.show_turn(self.slider.value() + 1))
        self.last.clicked.connect(lambda: self.show_turn(len(self.debrief.turns) - 1))
        self.slider.valueChanged.connect(self.show_turn)
        self.show_turn(0)

    def show_turn(self, index: int) -> None:
        """Show turn ``index`` (clamped to the session)."""
        turns = self.debrief.turns
        if not turns:
            self.view.setHtml("<p>No turns were played.</p>")
            return
        index = max(0, min(index, len(turns) - 1))
        if self.slider.value() != index:
            self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(False)
        self.position.setText(f"Turn {index + 1} of {len(turns)}")
        self.prev.setEnabled(index > 0)
        self.first.setEnabled(index > 0)
        self.next.setEnabled(index < len(turns) - 1)
        self.last.setEnabled(index < len(turns) - 1)
        self.view.setHtml(self.turn_html(index))

    def turn_html(self, index: int) -> str:
        """The turn as rich text: what the trainee saw, then what happened."""
        d = self.debrief
        turn = d.turns[index]
        before = d.turns[index - 1] if index > 0 else None
        html = [f"<h2>{_e(format_clock(turn.clock))} — {_e(turn.title)}</h2>"]
        if turn.brief:
            html.append(f"<p>{_e(turn.brief)}</p>")
        for inject in turn.injects:
            who = "Facilitator" if inject.facilitator else inject.sender
            html.append(f"<p style='margin-left:12px'><b>{_e(who)}</b> "
                        f"<i>({_e(inject.kind)})</i>: {_e(inject.text)}</p>")
        visible = [m for m in d.meters if not m.hidden]
        if visible:
            values = []
            for m in visible:
                value = before.meters.get(m.id, m.initial) if before else m.initial
                values.append(f"{_e(m.label)} <b>{value:g}</b>")
            html.append("<p style='color:#555'>Meters on screen: " + " · ".join(values) + "</p>")
        if turn.prompt:
            html.append(f"<p><b>{_e(turn.prompt)}</b></p>")
        if turn.options_seen:
            html.append("<ul>")
            for option in turn.options_seen:
                text = _e(option.label)
                if option.chosen:
                    text = f"<b>➜ {text}</b> (chosen)"
                html.append(f"<li>{text}</li>")
            html.append("</ul>")
        decision = turn.decision
        if decision is not None:
            html.append(f"<p><b>Choice:</b> {_e(decision.label)}")
            if decision.seconds is not None:
                html.append(f" — after {decision.seconds:g} s"
                            + (" (time ran out)" if decision.timed_out else ""))
            html.append("</p>")
            if decision.rationale:
                html.append(f"<p><b>Why:</b> <i>“{_e(decision.rationale)}”</i></p>")
        html.append("<h3>What happened</h3><ul>")
        if turn.answer:
            html.append(f"<li>Counterpart: {_e(turn.answer)}</li>")
        for signal in turn.signals:
            html.append(f"<li>Signal: {_e(signal)}</li>")
        for outcome in turn.outcomes:
            html.append(f"<li>{_e(outcome)}</li>")
        for change in turn.channel_changes:
            status = STATUS_WORDS.get(change.after, change.after)
            html.append(f"<li>{_e(change.label)}: {_e(status)}</li>")
        for m_change in turn.meter_changes:
            if not m_change.hidden:
                html.append(f"<li>{_e(m_change.label)} {m_change.delta:+g} → "
                            f"{m_change.after:g}</li>")
        for note in turn.facilitator:
            html.append(f"<li>{_e(note.line())}</li>")
        html.append("</ul>")
        if index == len(d.turns) - 1 and d.ending_title:
            html.append(f"<h3>Ending: {_e(d.ending_title)}</h3><p>{_e(d.ending_text)}</p>")
        return "".join(html)


# --------------------------------------------------------------------------
# Cohort
# --------------------------------------------------------------------------


class CohortPanel(QWidget):
    """All recorded sessions of this scenario: scores, endings, choice frequencies."""

    openSession = Signal(str)
    SESSION_COLUMNS = ("Session", "Trainee", "Started", "Ending", "Score", "Version")

    def __init__(self, journal: Any, debrief: Debrief, scenario: CompiledScenario | None,
                 parent: QWidget | None = None) -> None:
        """Build the panel (the cohort is loaded by :meth:`load`).

        Args:
            journal: The journal.
            debrief: The current session's debrief (for the scenario id).
            scenario: The current scenario, if loaded.
            parent: Parent widget.
        """
        super().__init__(parent)
        self.journal = journal
        self.debrief = debrief
        self.scenario = scenario
        self.cohort: Cohort | None = None
        self.job: Job | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel("Loading the class's sessions…")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        top = QSplitter(Qt.Orientation.Horizontal)
        self.sessions = read_only_table(self.SESSION_COLUMNS)
        self.sessions.setAccessibleName("Sessions of this scenario")
        self.sessions.doubleClicked.connect(lambda _i: self.open_selected())
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.sessions)
        open_button = QPushButton("Open the selected session's debrief")
        open_button.setToolTip("Open the debrief of the session selected in the table")
        open_button.clicked.connect(self.open_selected)
        holder_layout.addWidget(open_button)
        top.addWidget(holder)
        self.histogram = QChartView()
        self.histogram.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.histogram.setMinimumWidth(360)
        top.addWidget(self.histogram)
        top.setSizes([860, 380])
        split.addWidget(top)
        self.choices = QTreeWidget()
        self.choices.setAccessibleName("What the class chose")
        self.choices.setToolTip("How many trainees took each option at each decision")
        self.choices.setHeaderLabels(["Decision point / option", "Chosen", "Share", "Reference"])
        self.choices.setAccessibleName("Choice frequencies at each decision point")
        split.addWidget(self.choices)
        split.setSizes([380, 320])
        layout.addWidget(split, 1)

    def load(self) -> None:
        """Load the cohort off the GUI thread (once)."""
        if self.cohort is not None or self.job is not None:
            return
        journal, scenario_id, scenario = self.journal, self.debrief.scenario_id, self.scenario

        def work(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Cohort:
            return load_cohort(journal, scenario_id, scenario)

        self.job = Job(work, self)
        self.job.signals.done.connect(self.show_cohort)
        self.job.signals.failed.connect(
            lambda exc: self.summary.setText("Could not load the sessions: " + failure_text(exc)))
        self.job.start()

    def show_cohort(self, cohort: Cohort) -> None:
        """Fill the panel with a cohort."""
        self.job = None
        self.cohort = cohort
        ended = [s for s in cohort.sessions if s.score is not None]
        text = (f"<b>{len(cohort.sessions)}</b> session(s) of <b>{_e(cohort.title)}</b>, "
                f"{len(ended)} ended")
        if cohort.mean is not None:
            text += (f" — mean score {format_score(cohort.mean)}, "
                     f"median {format_score(cohort.median or 0.0)}")
        if cohort.endings:
            text += " — endings: " + ", ".join(f"{_e(t)} ×{c}" for _e_id, t, c in cohort.endings)
        for notice in cohort.notices:
            text += f"<br/><i>{_e(notice)}</i>"
        self.summary.setText(text)
        self.sessions.setRowCount(len(cohort.sessions))
        for row, s in enumerate(cohort.sessions):
            started = s.created_at[:16].replace("T", " ")
            cells = [_item(s.id), _item(s.trainee or "—"), _item(started),
                     _item(s.ending_title or ("(running)" if s.status == "active" else "")),
                     _item("" if s.score is None else format_score(s.score), align_right=True),
                     _item("current" if s.hash_matches else "older",
                           None if s.hash_matches else "played on another version of the "
                           "scenario")]
            for col, cell in enumerate(cells):
                if s.id == self.debrief.session_id:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.sessions.setItem(row, col, cell)
        for col, width in enumerate((180, 150, 140, 250, 55, 70)):
            self.sessions.horizontalHeader().resizeSection(col, width)
        self._histogram(cohort)
        self.choices.clear()
        current = next((s for s in cohort.sessions if s.id == self.debrief.session_id), None)
        for point in cohort.decision_points:
            parent = QTreeWidgetItem([point.title, str(point.total), "", ""])
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            mine = dict(current.path) if current is not None else {}
            for option in point.options:
                refs = ", ".join(x for x, on in (("this session", mine.get(point.node) ==
                                                  option.option),
                                                 ("expert", option.expert),
                                                 ("historical", option.historical)) if on)
                share = f"{100 * option.count / point.total:.0f}%" if point.total else ""
                QTreeWidgetItem(parent, [option.label, str(option.count), share, refs])
            self.choices.addTopLevelItem(parent)
            parent.setExpanded(True)
        self.choices.resizeColumnToContents(0)

    def _histogram(self, cohort: Cohort) -> None:
        chart = QChart()
        chart.setTitle("Score distribution")
        bars = QBarSet("Sessions")
        bars.setColor(QColor("#1f4e79"))
        for count in cohort.histogram:
            bars.append(count)
        series = QBarSeries()
        series.append(bars)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append([str(10 * i) for i in range(10)])
        axis_x.setTitleText("score (80 = 80 to 89.9)")
        axis_y = QValueAxis()
        axis_y.setRange(0, max(max(cohort.histogram), 1))
        axis_y.setLabelFormat("%d")
        axis_y.setTickCount(min(max(cohort.histogram), 5) + 1 if max(cohort.histogram) else 2)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.legend().setVisible(False)
        self.histogram.setChart(chart)

    def open_selected(self) -> None:
        """Ask to open the selected session's debrief."""
        row = self.sessions.currentRow()
        if row >= 0 and self.cohort is not None:
            self.openSession.emit(self.cohort.sessions[row].id)

    def shutdown(self) -> None:
        """Wait for a running load (on close)."""
        if self.job is not None:
            self.job.wait(5)
