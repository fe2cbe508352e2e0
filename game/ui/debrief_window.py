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

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from game.debrief.aar import AAR, apply_aar, load_aar
from game.debrief.model import STATUS_WORDS, Debrief, Turn, describe_hours, format_clock
from game.debrief.source import OpenedDebrief, open_debrief
from game.debrief.whatif import WhatIf
from game.engine.scoring import RATING_LABELS
from game.records.journal import Journal
from game.scenario.compile import CompiledScenario

from .debrief_charts import ChannelStrip, meter_chart
from .debrief_panels import AARPanel, CohortPanel, ReplayPanel, WhatIfPanel, _item, read_only_table
from .debrief_tasks import Job

TIMELINE_COLUMNS = ("Turn", "Clock", "Situation", "Injects", "Choice", "Rationale",
                    "Time to decide", "Counterpart", "Channels", "Facilitator")
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
        self.journal = journal
        self.opened: OpenedDebrief = open_debrief(journal, session_id, scenario)
        self.debrief: Debrief = self.opened.debrief
        self.aar: AAR = load_aar(journal, self.debrief.session_id) if self.debrief.session_id \
            else AAR()
        apply_aar(self.debrief, self.aar)
        self.chart_views: list[Any] = []
        self.channel_strip: ChannelStrip | None = None
        self.export_job: Job | None = None
        self.children_windows: list[DebriefWindow] = []
        d = self.debrief
        self.setWindowTitle(f"Debrief — {d.scenario_title} — {d.session_id or 'session'}")
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
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)

        self.overview = QTextBrowser()
        self.overview.setOpenLinks(False)
        self.overview.setAccessibleName("Overview")
        self.tabs.addTab(self.overview, "Overview")
        self.tabs.addTab(self._timeline_tab(), "Timeline")
        self.charts_page = QScrollArea()
        self.charts_page.setWidgetResizable(True)
        self.tabs.addTab(self.charts_page, "Charts")
        self.tabs.addTab(self._score_tab(), "Score")
        self.tabs.addTab(self._comparison_tab(), "Expert && history")
        self.whatifs = WhatIfPanel(d, self.opened.scenario if d.replayed else None,
                                   self.opened.inputs)
        self.tabs.addTab(self.whatifs, "What-ifs")
        self.aar_panel = AARPanel(journal, d)
        self.aar_panel.saved.connect(self._aar_saved)
        self.tabs.addTab(self.aar_panel, "After-action report")
        self.replay = ReplayPanel(d)
        self.tabs.addTab(self.replay, "Replay")
        self.cohort = CohortPanel(journal, d, self.opened.scenario)
        self.cohort.openSession.connect(self.open_other)
        self.tabs.addTab(self.cohort, "Cohort")
        self.tabs.currentChanged.connect(self._tab_changed)
        self._fill_overview()
        QShortcut(QKeySequence.StandardKey.Close, self, activated=self.close)
        self.resize(1280, 860)

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
            facts.append(f"<b>score {d.score:g}</b>")
        title = QLabel(text + "<br/>" + " · ".join(f for f in facts if f))
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setObjectName("debriefTitle")
        row.addWidget(title, 1)
        self.export_status = QLabel("")
        row.addWidget(self.export_status)
        self.export_buttons: dict[str, QPushButton] = {}
        for suffix, label in ((".pdf", "Export PDF…"), (".html", "Export HTML…"),
                              (".json", "Export JSON…")):
            button = QPushButton(label)
            button.setAccessibleName(f"Export the debrief as {suffix[1:].upper()}")
            button.clicked.connect(lambda _c=False, s=suffix: self._ask_export(s))
            row.addWidget(button)
            self.export_buttons[suffix] = button
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

        Args:
            path: Destination; the format follows the extension.

        Returns:
            The running job (``signals.done`` carries the path written).
        """
        target = Path(path)
        debrief, aar = self.debrief, self.aar_panel.aar
        whatifs: list[WhatIf] = [self.whatifs.results[k] for k in sorted(self.whatifs.results)]
        suffix = target.suffix.lower()

        def work(_p: Callable[[int, int], None], _c: Callable[[], bool]) -> Path:
            if suffix == ".pdf":
                from game.debrief.export_pdf import export_pdf

                return export_pdf(target, debrief, aar, whatifs)
            if suffix in (".html", ".htm"):
                from game.debrief.export_html import export_html

                return export_html(target, debrief, aar, whatifs)
            if suffix == ".json":
                from game.debrief.export_json import export_json

                return export_json(target, debrief, aar, whatifs)
            raise ValueError(f"cannot export to '{target.name}': use .pdf, .html or .json")

        job = Job(work, self)
        job.signals.done.connect(lambda p: self.export_status.setText(f"Saved {Path(p).name}"))
        job.signals.failed.connect(
            lambda m: self.export_status.setText("Export failed: " + m.splitlines()[0]))
        job.signals.done.connect(lambda _p: self._export_finished())
        job.signals.failed.connect(lambda _m: self._export_finished())
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
        d = self.debrief
        html = []
        if d.summary:
            html.append(f"<p>{_e(d.summary)}</p>")
        if d.ending_title:
            colour = TONE_COLOURS.get(d.ending_tone, "#444")
            html.append(f"<h2 style='color:{colour}'>{_e(d.ending_title)}</h2>"
                        f"<p>{_e(d.ending_text)}</p>")
        else:
            html.append("<h2>The session has not ended</h2>")
        facts = []
        if d.score is not None:
            facts.append(f"<b>Score {d.score:g} / 100</b>")
        esc = d.escalation
        if esc is not None and d.replayed:
            band = esc.band_of(esc.peak)
            facts.append(f"peak {_e(esc.label.lower())} <b>{esc.peak:g}</b>"
                         + (f" ({_e(band.label)})" if band else "") + f", final {esc.final:g}")
            facts.append(f"severity of decisions {d.severity_total:+d}")
        if facts:
            html.append("<p>" + " · ".join(facts) + "</p>")
        if d.replayed:
            html.append("<h3>Time to first real contact</h3><table cellpadding='4' "
                        "cellspacing='0' border='1' style='border-color:#c8ccd2'>"
                        "<tr><th align='left'>Road</th><th align='left'>First contact</th>"
                        "<th align='left'>Ending</th><th align='left'>Score</th></tr>")
            html.append(f"<tr><td><b>This session</b></td><td>{_e(d.contact.describe())}</td>"
                        f"<td>{_e(d.ending_title or '')}</td>"
                        f"<td>{'' if d.score is None else f'{d.score:g}'}</td></tr>")
            for run in (d.expert_run, d.historical_run):
                if run is not None:
                    html.append(f"<tr><td>{_e(run.name)} (same seed)</td>"
                                f"<td>{_e(run.contact.describe())}</td>"
                                f"<td>{_e(run.ending_title)}</td><td>{run.score:g}</td></tr>")
            html.append("</table>")
            if d.historical_run is not None and d.historical_run.outcome:
                html.append(f"<p><b>What really happened:</b> {_e(d.historical_run.outcome)}</p>")
        html.append("<h3>Learning objectives</h3><table cellpadding='4' cellspacing='0' "
                    "border='1' style='border-color:#c8ccd2'>")
        for o in d.objectives:
            code = o.effective
            colour = RATING_COLOURS.get(code or "", "#666")
            who = " (instructor)" if o.override else ""
            comment = f"<br/><i>{_e(o.comment)}</i>" if o.comment else ""
            html.append(f"<tr><td><b style='color:{colour}'>{_e(code or '—')}</b></td>"
                        f"<td>{_e(o.text)}{comment}</td>"
                        f"<td>{_e(RATING_LABELS.get(code or '', 'Not rated'))}{who}</td></tr>")
        html.append("</table>")
        if self.aar.notes:
            html.append(f"<h3>Instructor's notes</h3><p>{_e(self.aar.notes)}</p>")
        self.overview.setHtml("".join(html))

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
            cells = (
                str(turn.index + 1),
                format_clock(turn.clock),
                turn.title,
                "\n".join(f"{i.sender}: {i.text}" for i in turn.injects),
                d.label if d else "",
                (d.rationale or "") if d else "",
                seconds,
                turn.answer,
                "\n".join(f"{c.label}: {STATUS_WORDS.get(c.after, c.after)}"
                          for c in turn.channel_changes),
                "\n".join(f"{f.action}: {f.text}" for f in turn.facilitator),
            )
            for col, text in enumerate(cells):
                self.timeline.setItem(row, col, _item(text, text if len(text) > 40 else None))
        header = self.timeline.horizontalHeader()
        widths = (44, 120, 170, 230, 170, 220, 90, 200, 190)
        for col, width in enumerate(widths):
            header.resizeSection(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.timeline.resizeRowsToContents()

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
        contact = f"First real contact: <b>{_e(d.contact.describe())}</b>"
        for ref in d.references:
            contact += f" · {_e(ref.label)}: {_e(ref.describe())}"
        contact_label = QLabel(contact)
        contact_label.setWordWrap(True)
        top.addWidget(contact_label, 1)
        self.show_hidden = QCheckBox("Show facilitator-only meters")
        self.show_hidden.setChecked(True)
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
        split = QSplitter(Qt.Orientation.Vertical)
        self.score_tree = QTreeWidget()
        self.score_tree.setHeaderLabels(["Part of the score", "Points", "Detail"])
        self.score_tree.setAccessibleName("Score breakdown")
        self.score_tree.setWordWrap(True)
        for part in d.score_lines:
            item = QTreeWidgetItem([part.label, f"{part.points:.1f} / {part.max:g}", part.detail])
            for driver in part.drivers:
                child = QTreeWidgetItem(item, ["", "", driver])
                child.setToolTip(2, driver)
            self.score_tree.addTopLevelItem(item)
            item.setExpanded(True)
        if d.score is not None:
            total = QTreeWidgetItem(["Total", f"{d.score:g} / 100", ""])
            font = total.font(0)
            font.setBold(True)
            total.setFont(0, font)
            total.setFont(1, font)
            self.score_tree.addTopLevelItem(total)
        if not d.score_lines:
            self.score_tree.addTopLevelItem(QTreeWidgetItem(
                ["The score parts are not available without a replay.", "", ""]))
        self.score_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.score_tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        split.addWidget(self.score_tree)
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel("<b>Every meter change and its cause</b> — the rule that applied "
                             "and the scenario's doctrine note for the decision behind it"))
        self.changes = read_only_table(("Turn", "Meter", "Change", "Cause", "Rule",
                                        "Doctrine note"))
        self.changes.setAccessibleName("Meter changes with their causes")
        self.changes.setRowCount(len(d.meter_changes))
        for row, c in enumerate(d.meter_changes):
            label = c.label + (" (facilitator only)" if c.hidden else "")
            cells = [_item(c.turn + 1), _item(label),
                     _item(f"{c.before:g} → {c.after:g} ({c.delta:+g})"),
                     _item(c.cause.describe(), c.cause.describe()), _item(c.cause.rule),
                     _item(c.cause.doctrine, c.cause.doctrine or None)]
            for col, cell in enumerate(cells):
                self.changes.setItem(row, col, cell)
        for col, width in enumerate((44, 170, 130, 300, 170)):
            self.changes.horizontalHeader().resizeSection(col, width)
        self.changes.resizeRowsToContents()
        box.addWidget(self.changes)
        split.addWidget(holder)
        split.setSizes([330, 420])
        return split

    # -- expert & history -----------------------------------------------------

    def _comparison_tab(self) -> QWidget:
        d = self.debrief
        page = QWidget()
        layout = QVBoxLayout(page)
        runs = []
        for run in (d.expert_run, d.historical_run):
            if run is not None:
                runs.append(f"<b>{_e(run.name)}</b> with this session's seed: "
                            f"{_e(run.ending_title)}, score {run.score:g}, peak escalation "
                            f"{run.peak_escalation:g}, first contact {_e(run.contact.describe())}")
        if d.historical_run is not None and d.historical_run.outcome:
            runs.append(f"<b>What really happened:</b> {_e(d.historical_run.outcome)}")
        if runs:
            label = QLabel("<br/>".join(runs))
            label.setWordWrap(True)
            layout.addWidget(label)
        self.comparison = read_only_table(("#", "Decision point", "You chose", "Expert",
                                           "Why (expert)", "Historically", "Why (history)"))
        self.comparison.setAccessibleName("Your choices next to the expert's and history's")
        self.comparison.setRowCount(len(d.comparison))
        for row, c in enumerate(d.comparison):
            expert = c.expert_label or "—"
            if c.expert_label:
                expert = ("✔ same: " if c.matches_expert else "✘ differs: ") + expert
            historical = c.historical_label or "—"
            if c.historical_label:
                historical = ("✔ same: " if c.matches_historical else "✘ differs: ") + historical
            mine = c.trainee_label + (f"\nDoctrine: {c.doctrine}" if c.doctrine else "")
            cells = [_item(c.turn + 1), _item(c.node_title), _item(mine, mine),
                     _item(expert), _item(c.expert_reason or "", c.expert_reason),
                     _item(historical), _item(c.historical_reason or "", c.historical_reason)]
            for col, cell in enumerate(cells):
                if col == 3 and c.expert_label:
                    cell.setForeground(Qt.GlobalColor.darkGreen if c.matches_expert
                                       else Qt.GlobalColor.darkRed)
                if col == 5 and c.historical_label:
                    cell.setForeground(Qt.GlobalColor.darkGreen if c.matches_historical
                                       else Qt.GlobalColor.darkRed)
                self.comparison.setItem(row, col, cell)
        for col, width in enumerate((36, 170, 220, 200, 230, 180)):
            self.comparison.horizontalHeader().resizeSection(col, width)
        self.comparison.resizeRowsToContents()
        if not d.comparison:
            layout.addWidget(QLabel("No comparison: the scenario (or a replay) is not available."))
        layout.addWidget(self.comparison, 1)
        return page

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
                return self.tabs.widget(index)
        raise KeyError(title)

    def open_other(self, session_id: str) -> None:
        """Open another session's debrief in its own window."""
        self.openSession.emit(session_id)
        if session_id == self.debrief.session_id:
            return
        window = DebriefWindow(self.journal, session_id,
                               self.opened.scenario if self.opened.hash_matches else None)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.children_windows.append(window)
        window.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        self.whatifs.shutdown()
        self.cohort.shutdown()
        if self.export_job is not None:
            self.export_job.wait(10)
        super().closeEvent(event)


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
        html.append(f"<p><b>Facilitator ({_e(f.action)})</b>: {_e(f.text)}</p>")
    return "".join(html)


__all__ = ["DebriefWindow", "describe_hours", "turn_detail_html"]
