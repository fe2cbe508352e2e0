"""The Debrief window: the whole story of a recorded session.

Opened from the play window's End screen or from the session history::

    window = DebriefWindow(journal, session_id, scenario)
    window.show()

Tabs: Overview (outcome, first contact, objectives), Timeline, Charts, Score
(every change traced to its cause), Expert & history, What-ifs, After-action
report (ratings, comments, improvement plan — saved to the journal), Replay
(turn by turn as the trainee saw it) and Cohort (the class's sessions). The
export buttons write PDF, HTML or JSON off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from game.debrief.aar import AAR, apply_aar, load_aar
from game.debrief.charts import score_bars_svg
from game.debrief.export_aar import (
    section_findings,
    section_hot_wash,
    section_improvement_plan,
    section_overview,
    section_ratings,
)
from game.debrief.export_html import (
    section_comparison,
    section_counterpart,
    section_outcome,
    section_score,
)
from game.debrief.exporters import EXPORTERS, ExportOptions, export
from game.debrief.lessons import section_lessons
from game.debrief.model import (
    LEVEL_WORDS,
    STATUS_WORDS,
    Debrief,
    Turn,
    describe_hours,
    format_clock,
)
from game.debrief.paper import PAPERS, default_paper
from game.debrief.source import OpenedDebrief, open_debrief
from game.debrief.whatif import WhatIf
from game.engine.scoring import format_score
from game.records.journal import Journal
from game.scenario.compile import CompiledScenario

from .aar_panel import AARPanel
from .debrief_charts import ChannelStrip, meter_chart
from .debrief_panels import (
    CohortPanel,
    ColumnFitter,
    ReplayPanel,
    WhatIfPanel,
    _item,
    fit_rows,
    read_only_table,
    rich_view,
)
from .widgets import close_keys
from .window_registry import WindowRegistry
from .workers import Job, failure_text

TIMELINE_COLUMNS = ("#", "Clock", "Situation", "Injects from", "Choice", "Rationale", "Time",
                    "Counterpart and channels", "Facilitator")
#: How the timeline's width is shared between its columns (see ColumnFitter).
TIMELINE_WEIGHTS = (3, 9, 14, 12, 16, 18, 6, 18, 14)
TONE_COLOURS = {"good": "#2e7d32", "mixed": "#b26a00", "bad": "#b03a2e"}
RATING_COLOURS = {"P": "#2e7d32", "S": "#6b8e23", "M": "#b26a00", "U": "#b03a2e"}


def _e(text: object) -> str:
    return escape("" if text is None else str(text))


class DebriefWindow(QWidget):
    """Debrief and after-action review of one session.

    Attributes:
        debrief: The debrief shown.
        opened: What it was built from (scenario, inputs, events).
        tabs: The tab widget (tab titles are stable: see :data:`TAB_TITLES`).
        timeline: The timeline table (one row per turn).
        chart_views: The meter charts, once the Charts tab was built.
    """

    openSession = Signal(str)
    TAB_TITLES = ("Overview", "Timeline", "Charts", "Score", "Expert && history", "What-ifs",
                  "After-action report", "Replay", "Cohort")

    def __init__(self, journal: Journal, session_id: str,
                 scenario: CompiledScenario | None = None,
                 parent: QWidget | None = None) -> None:
        """Open the debrief of a session.

        Args:
            journal: The session journal.
            session_id: Id (or unique prefix) of the session.
            scenario: The scenario, if already loaded (else loaded from the
                path the journal recorded).
            parent: Parent widget.
        """
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        from .a11y import install as name_qt_parts

        name_qt_parts()  # Qt's own parts (spin box fields, tab bars) get names too
        self.journal = journal
        self.opened: OpenedDebrief = open_debrief(journal, session_id, scenario)
        self.debrief: Debrief = self.opened.debrief
        self.aar: AAR = load_aar(journal, self.debrief.session_id) if self.debrief.session_id \
            else AAR()
        apply_aar(self.debrief, self.aar)
        self.chart_views: list[Any] = []
        self.channel_strip: ChannelStrip | None = None
        self.export_job: Job | None = None
        self.registry = WindowRegistry()  # other sessions' debriefs opened from here
        d = self.debrief
        # "[*]" shows Qt's unsaved-edits mark while the after-action report has edits.
        self.setWindowTitle(f"Debrief — {d.scenario_title} — {d.session_id or 'session'}[*]")
        self.close_box: QMessageBox | None = None
        self._closing = False
        self.setObjectName("debrief")

        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        for notice in d.notices:
            label = QLabel("⚠ " + notice)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setObjectName("notice")
            label.setStyleSheet("background:#fff4d6; border:1px solid #e0b84a; padding:6px;"
                                "color:#3a2c00;")
            layout.addWidget(label)
        if d.scenario_changes:
            changes = QLabel("Changed in the scenario file since this session: "
                             + "; ".join(d.scenario_changes))
            changes.setWordWrap(True)
            changes.setTextFormat(Qt.TextFormat.PlainText)
            changes.setObjectName("scenario-changes")
            changes.setContentsMargins(6, 2, 6, 4)
            changes.setAccessibleName("What changed in the scenario file since the session")
            layout.addWidget(changes)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)

        self.overview = rich_view("Overview")
        self.tabs.addTab(self.overview, "Overview")
        self.tabs.addTab(self._timeline_tab(), "Timeline")
        self.charts_page = QScrollArea()
        self.charts_page.setWidgetResizable(True)
        self.tabs.addTab(self.charts_page, "Charts")
        self.tabs.addTab(self._score_tab(), "Score")
        self.tabs.addTab(self._comparison_tab(), "Expert && history")
        self.whatifs = WhatIfPanel(d, self.opened.scenario if d.replayed else None,
                                   self.opened.inputs, journal=journal)
        self.whatifs.finished.connect(lambda _w: self._refresh_lessons())
        # The panel scrolls as a whole: on a small screen the chart keeps the height its
        # rows need (bar labels are cut to "…" otherwise) and the table stays readable.
        self.whatifs_page = QScrollArea()
        self.whatifs_page.setWidgetResizable(True)
        self.whatifs_page.setWidget(self.whatifs)
        self.tabs.addTab(self.whatifs_page, "What-ifs")
        self.aar_panel = AARPanel(journal, d)
        self.aar_panel.saved.connect(self._aar_saved)
        self.aar_panel.dirtyChanged.connect(self.setWindowModified)
        self.tabs.addTab(self.aar_panel, "After-action report")
        self.replay = ReplayPanel(d)
        self.tabs.addTab(self.replay, "Replay")
        self.cohort = CohortPanel(journal, d, self.opened.scenario)
        self.cohort.openSession.connect(self.open_other)
        self.tabs.addTab(self.cohort, "Cohort")
        self.tabs.currentChanged.connect(self._tab_changed)
        self._fill_overview()
        for keys in close_keys():
            close = QShortcut(keys, self)
            close.activated.connect(self.close)
        from .screen_fit import fit_window

        fit_window(self, 1280, 860, min_width=900, min_height=560)

    # -- header and export ----------------------------------------------------

    def _header(self) -> QHBoxLayout:
        d = self.debrief
        row = QHBoxLayout()
        text = f"<span style='font-size:16pt; font-weight:bold'>{_e(d.scenario_title)}</span>"
        facts = [f"session {_e(d.session_id)}" if d.session_id else ""]
        if d.trainee:
            facts.append(_e(d.trainee))
        if d.ending_title:
            colour = TONE_COLOURS.get(d.ending_tone, "#444")
            facts.append(f"<b style='color:{colour}'>{_e(d.ending_title)}</b>")
        else:
            facts.append("<b>not ended</b>")
        if d.score is not None:
            facts.append(f"<b>score {format_score(d.score)}</b>")
        title = QLabel(text + "<br/>" + " · ".join(f for f in facts if f))
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setWordWrap(True)  # the facts wrap on a small screen rather than being cut
        title.setObjectName("debriefTitle")
        row.addWidget(title, 1)
        self.export_status = QLabel("")
        row.addWidget(self.export_status)
        self.handout = QCheckBox("Handout")
        self.handout.setObjectName("handout")
        self.handout.setAccessibleName("Export a handout for the trainees")
        self.handout.setToolTip("For the trainees' hands: leave out facilitator-only meters and "
                                "notes")
        row.addWidget(self.handout)
        self.paper = QComboBox()
        self.paper.setObjectName("paper")
        self.paper.setAccessibleName("Paper size of the PDF")
        self.paper.setToolTip("Paper size of the PDF (the default follows your locale)")
        for name in PAPERS:
            self.paper.addItem("Letter" if name == "letter" else "A4", name)
        self.paper.setCurrentIndex(max(0, self.paper.findData(default_paper())))
        row.addWidget(self.paper)
        self.export_buttons: dict[str, QPushButton] = {}
        for exporter in EXPORTERS:
            button = QPushButton(f"Export {exporter.name}…")
            button.setAccessibleName(f"Export the debrief as {exporter.name}")
            button.setToolTip(f"Write the debrief and the after-action report as {exporter.name}")
            button.clicked.connect(lambda _c=False, s=exporter.suffix: self._ask_export(s))
            row.addWidget(button)
            self.export_buttons[exporter.suffix] = button
        return row

    def _ask_export(self, suffix: str) -> None:
        d = self.debrief
        name = f"debrief-{d.scenario_id}-{d.session_id or 'session'}{suffix}"
        path, _filter = QFileDialog.getSaveFileName(self, "Export the debrief", name,
                                                    f"{suffix[1:].upper()} (*{suffix})")
        if path:
            if not path.lower().endswith(suffix):
                path += suffix
            self.export_to(path)

    def export_to(self, path: str | Path) -> Job:
        """Export the debrief (with AAR edits and computed what-ifs) off the GUI thread.

        The format follows the suffix, through the export registry the
        ``hotline debrief --export`` command uses too.

        Args:
            path: Destination; the format follows the extension.

        Returns:
            The running job (``signals.done`` carries the path written).
        """
        target = Path(path)
        debrief, aar = self.debrief, self.aar_panel.aar
        whatifs: list[WhatIf] = [self.whatifs.results[k] for k in sorted(self.whatifs.results)]
        options = ExportOptions(handout=self.handout.isChecked(),
                                paper=str(self.paper.currentData()))

        def work(_p: Callable[[int, int], None], _c: Callable[[], bool]) -> Path:
            return export(target, debrief, aar, whatifs, options)

        job = Job(work, self)
        job.signals.done.connect(lambda p: self.export_status.setText(f"Saved {Path(p).name}"))
        job.signals.failed.connect(
            lambda exc: self.export_status.setText("Export failed: " + failure_text(exc)))
        job.signals.finished.connect(self._export_finished)
        for button in self.export_buttons.values():
            button.setEnabled(False)
        self.export_status.setText(f"Exporting {target.name}…")
        self.export_job = job.start()
        return job

    def _export_finished(self) -> None:
        self.export_job = None
        for button in self.export_buttons.values():
            button.setEnabled(True)

    # -- overview -------------------------------------------------------------

    def _fill_overview(self) -> None:
        d, aar = self.debrief, self.aar
        html = (f"<p>{_e(d.summary)}</p>" if d.summary else "") + section_overview(d, aar) + \
            section_outcome(d) + section_counterpart(d) + self._lessons_html() + \
            section_ratings(d, aar) + \
            section_findings(d, aar) + section_hot_wash(aar) + section_improvement_plan(d, aar)
        self.overview.setHtml(html)

    def _lessons_html(self) -> str:
        whatifs = [self.whatifs.results[k] for k in sorted(self.whatifs.results)] \
            if hasattr(self, "whatifs") else []
        return section_lessons(self.debrief, whatifs)

    def _refresh_lessons(self) -> None:
        """A what-if was run: the lessons in the Overview and Expert tabs use it."""
        self._fill_overview()
        self.comparison_view.setHtml(self._lessons_html() + section_comparison(self.debrief))

    def _aar_saved(self, aar: AAR) -> None:
        self.aar = aar
        apply_aar(self.debrief, aar)
        self._fill_overview()

    # -- timeline -------------------------------------------------------------

    def _timeline_tab(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Vertical)
        self.timeline = read_only_table(TIMELINE_COLUMNS)
        self.timeline.setAccessibleName("Timeline")
        self._fill_timeline()
        self.timeline_detail = QTextBrowser()
        self.timeline_detail.setAccessibleName("Details of the selected turn")
        self.timeline.currentCellChanged.connect(lambda row, *_: self._show_turn_detail(row))
        split.addWidget(self.timeline)
        split.addWidget(self.timeline_detail)
        split.setSizes([520, 260])
        if self.debrief.turns:
            self.timeline.selectRow(0)
        return split

    def _fill_timeline(self) -> None:
        turns = self.debrief.turns
        self.timeline.setRowCount(len(turns))
        for row, turn in enumerate(turns):
            d = turn.decision
            seconds = ""
            if d is not None and d.seconds is not None:
                seconds = f"{d.seconds:g} s" + (" (timed out)" if d.timed_out else "")
            senders = ", ".join(dict.fromkeys(
                "Facilitator" if i.facilitator else i.sender for i in turn.injects))
            changes = [f"{c.label}: {STATUS_WORDS.get(c.after, c.after)}"
                       for c in turn.channel_changes if c.after != "requested"]
            counterpart = turn.answer or "\n".join(changes)
            decided = [
                "Leadership: " + "; ".join(
                    f"{LEVEL_WORDS.get(lv, lv)} " + (f"stays {a}" if a == b else f"{b} → {a}")
                    for lv, b, a in c.levels) for c in turn.leadership]
            counterpart = "\n".join(x for x in (counterpart, *decided) if x)
            cells = (
                str(turn.index + 1),
                format_clock(turn.clock),
                turn.title,
                senders,
                d.label if d else "",
                (d.rationale or "") if d else "",
                seconds,
                counterpart,
                "\n".join(f.line() for f in turn.facilitator),
            )
            tips = (None, turn.clock, turn.brief or None,
                    "\n\n".join(f"{i.sender}: {i.text}" for i in turn.injects) or None,
                    d.description if d else None, None,
                    "the decision clock ran out" if d is not None and d.timed_out else None,
                    "\n".join([f"{c.label}: {STATUS_WORDS.get(c.before, c.before)} → "
                               f"{STATUS_WORDS.get(c.after, c.after)}"
                               for c in turn.channel_changes]
                              + [c.describe() for c in turn.leadership]) or None, None)
            for col, text in enumerate(cells):
                item = _item(text, tips[col] or (text if len(text) > 60 else None))
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.timeline.setItem(row, col, item)
        header = self.timeline.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.timeline_columns = ColumnFitter(self.timeline, TIMELINE_WEIGHTS)
        time_header = self.timeline.horizontalHeaderItem(6)
        if time_header is not None:
            time_header.setToolTip("Time the trainee took to decide")
        fit_rows(self.timeline)

    def _show_turn_detail(self, row: int) -> None:
        if 0 <= row < len(self.debrief.turns):
            self.timeline_detail.setHtml(turn_detail_html(self.debrief.turns[row]))

    # -- charts ---------------------------------------------------------------

    def build_charts(self) -> None:
        """Build the Charts tab (done on first view; cheap to call again)."""
        if self.charts_page.widget() is not None:
            return
        d = self.debrief
        page = QWidget()
        layout = QVBoxLayout(page)
        if not d.replayed:
            layout.addWidget(QLabel("Charts need a replay of the session, which is not possible "
                                    "here (see the note at the top)."))
            self.charts_page.setWidget(page)
            return
        top = QHBoxLayout()
        contact = f"First contact, any level: <b>{_e(d.contact.describe())}</b>"
        senior = next((row.senior for row in d.contact_levels if row.label == "This session"),
                      None)
        if senior is not None:
            contact += f" · senior military: <b>{_e(senior.describe())}</b>"
        contact += " (the Overview compares both levels with the expert, history and reality)"
        contact_label = QLabel(contact)
        contact_label.setWordWrap(True)
        top.addWidget(contact_label, 1)
        # Facilitator-only meters are hidden until asked for (the screen may be shared
        # with the trainees).
        self.show_hidden = QCheckBox("Show facilitator-only meters")
        self.show_hidden.setChecked(False)
        self.show_hidden.setAccessibleName("Show facilitator-only meters")
        self.show_hidden.setToolTip("Also chart the meters the trainees never saw")
        self.show_hidden.toggled.connect(self._toggle_hidden)
        if any(m.hidden for m in d.meters):
            top.addWidget(self.show_hidden)
        layout.addLayout(top)
        self.channel_strip = ChannelStrip(d)
        meters = sorted(d.meters, key=lambda m: m.id != d.escalation_meter)
        for index, meter in enumerate(meters):
            view = meter_chart(d, meter)
            self.chart_views.append(view)
            layout.addWidget(view)
            if index == 0:
                layout.addWidget(self.channel_strip)
        layout.addStretch(1)
        self.charts_page.setWidget(page)
        self._toggle_hidden(False)

    def _toggle_hidden(self, shown: bool) -> None:
        hidden = {m.id for m in self.debrief.meters if m.hidden}
        for view in self.chart_views:
            if view.property("meter") in hidden:
                view.setVisible(shown)

    def visible_chart_views(self) -> list[Any]:
        """Meter charts currently shown (facilitator-only ones may be hidden)."""
        self.build_charts()
        return [v for v in self.chart_views if not v.isHidden()]

    # -- score ----------------------------------------------------------------

    def _score_tab(self) -> QWidget:
        d = self.debrief
        self.score_view = rich_view("Why the score is what it is")
        bars = ""
        if d.score_lines:
            from game.debrief.export_pdf import svg_to_image

            image = svg_to_image(score_bars_svg(d, 680), 2)
            self.score_view.document().addResource(
                QTextDocument.ResourceType.ImageResource, QUrl("chart:score"), image)
            bars = '<p><img src="chart:score" width="680"/></p>'
        self.score_view.setHtml(section_score(d, bars=bars))
        return self.score_view

    # -- expert & history -----------------------------------------------------

    def _comparison_tab(self) -> QWidget:
        self.comparison_view = rich_view("Your choices next to the expert's and history's")
        # The lessons first: the same expert roads as the What-ifs tab, so the tabs agree.
        self.comparison_view.setHtml(self._lessons_html() + section_comparison(self.debrief))
        return self.comparison_view

    # -- tabs, other sessions, closing -----------------------------------------

    def _tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is self.charts_page:
            self.build_charts()
        elif widget is self.cohort:
            self.cohort.load()

    def show_tab(self, title: str) -> QWidget:
        """Switch to the tab with this title (``&&`` as shown in TAB_TITLES) and return it."""
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index) == title:
                self.tabs.setCurrentIndex(index)
                page = self.tabs.widget(index)
                assert page is not None
                return page
        raise KeyError(title)

    def open_other(self, session_id: str) -> None:
        """Open another session's debrief in its own window."""
        self.openSession.emit(session_id)
        if session_id == self.debrief.session_id:
            return
        window = self.registry.add(DebriefWindow(self.journal, session_id,
                                                 self.opened.scenario), "debrief")
        window.show()

    @property
    def children_windows(self) -> list[QWidget]:
        """Other sessions' debriefs opened from this one (still open)."""
        return self.registry.of("debrief")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        if self.aar_panel.dirty and not self._closing:
            event.ignore()
            self.ask_before_closing()
            return
        self.whatifs.shutdown()
        self.cohort.shutdown()
        if self.export_job is not None:
            self.export_job.wait(10)
        super().closeEvent(event)


    def ask_before_closing(self) -> QMessageBox:
        """The after-action report has unsaved edits: Save, Discard or Cancel (window-modal)."""
        if self.close_box is not None and self.close_box.isVisible():
            return self.close_box
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved after-action report",
                          "The after-action report of this session has edits that are not "
                          "saved. Save them before closing?", QMessageBox.StandardButton.NoButton,
                          self)
        box.setObjectName("unsaved-aar")
        self.save_close = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
        self.discard_close = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        self.cancel_close = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(self.save_close)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.buttonClicked.connect(self._close_answer)
        self.close_box = box
        box.open()
        return box

    def _close_answer(self, button: Any) -> None:
        if button is self.save_close:
            if not self.aar_panel.save():
                self.show_tab("After-action report")
                return
        elif button is not self.discard_close:
            return  # Cancel: keep editing
        self._closing = True
        self.close()


def turn_detail_html(turn: Turn) -> str:
    """Everything about one turn, as rich text (all text escaped)."""
    html = [f"<h3>Turn {turn.index + 1} — {_e(format_clock(turn.clock))} — {_e(turn.title)}</h3>"]
    if turn.brief:
        html.append(f"<p>{_e(turn.brief)}</p>")
    for inject in turn.injects:
        who = "Facilitator inject" if inject.facilitator else inject.sender
        html.append(f"<p><b>{_e(who)}</b> <i>({_e(inject.kind)})</i>: {_e(inject.text)}</p>")
    d = turn.decision
    if d is not None:
        html.append(f"<p><b>Choice:</b> {_e(d.label)}"
                    + (f" <i>({_e(d.channel_label)})</i>" if d.channel_label else "") + "</p>")
        if d.description:
            html.append(f"<p style='color:#555'>{_e(d.description)}</p>")
        if d.rationale:
            html.append(f"<p><b>Rationale:</b> “{_e(d.rationale)}”</p>")
        facts = []
        if d.seconds is not None:
            facts.append(f"{d.seconds:g} s to decide")
        if d.timed_out:
            facts.append("the decision clock ran out")
        if d.role:
            facts.append(f"decided by {_e(d.role)}")
        if d.votes:
            facts.append("votes: " + ", ".join(f"{_e(r)} → {_e(o)}" for r, o in d.votes))
        if d.recorded_at:
            facts.append(f"recorded {_e(d.recorded_at[:19].replace('T', ' '))} UTC")
        if facts:
            html.append("<p style='color:#555'>" + "; ".join(facts) + "</p>")
        if d.doctrine:
            html.append(f"<p><b>Doctrine:</b> {_e(d.doctrine)}</p>")
    for call in turn.calls:
        if call.late:
            html.append(f"<p><b>{_e(call.label)}</b>: answered late — requested at turn "
                        f"{(call.requested_turn or 0) + 1}. {_e(call.reason)}</p>")
            continue
        factors = ", ".join(f"{_e(r)} {d_:+.2f}" if r != "base" else f"base {d_:.2f}"
                            for r, d_ in call.factors)
        html.append(f"<p><b>{_e(call.label)}</b>: {_e(call.result)} — {_e(call.reason)}"
                    + (f"<br/><span style='color:#555'>chance of acceptance "
                       f"{100 * call.acceptance:.0f}% ({factors})</span>"
                       if call.acceptance is not None else "") + "</p>")
    for change in turn.leadership:
        html.append(f"<p><b>The counterpart's leadership decided</b>: {_e(change.describe())}"
                    "</p>")
    for price in turn.prices:
        html.append(f"<p><b>Price</b>: {_e(price.describe())}</p>")
    for outcome in turn.outcomes:
        html.append(f"<p><b>Outcome:</b> {_e(outcome)}</p>")
    if turn.meter_changes:
        html.append("<p><b>Meter changes</b></p><ul>")
        for c in turn.meter_changes:
            rule = f" [{_e(c.cause.rule)}]" if c.cause.rule else ""
            html.append(f"<li>{_e(c.label)} {c.before:g} → {c.after:g} ({c.delta:+g}) — "
                        f"{_e(c.cause.describe())}{rule}</li>")
        html.append("</ul>")
    for f in turn.facilitator:
        html.append(f"<p>{_e(f.line())}</p>")
    return "".join(html)


__all__ = ["DebriefWindow", "describe_hours", "turn_detail_html"]
