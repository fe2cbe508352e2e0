"""The After-action report tab: an HSEEP AAR the evaluators write, saved with the session.

Five pages: the exercise overview; objectives by core capability with the
rules' rating and its reason, and the evaluator's override (rating, comment,
name); findings (strengths and areas for improvement: observation, analysis,
recommendation, references); the hot wash and the instructor's notes; the
improvement plan (capability, issue, corrective action, capability element,
responsible organisation, point of contact, start and completion dates).

Every edit marks the panel dirty (``dirtyChanged``): the Debrief window shows
the mark in its title and asks before closing. Saving validates everything
(dates, ratings, names) and says what is wrong instead of losing the edits.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from game.debrief.aar import (
    AAR,
    CAPABILITY_ELEMENTS,
    FINDING_KINDS,
    AARError,
    Finding,
    Overview,
    Participant,
    PlanItem,
    RatingOverride,
    apply_aar,
    effective_overview,
    load_aar,
    rating_reason,
    save_aar,
    suggested_findings,
)
from game.debrief.model import RATING_CODES, Debrief
from game.engine.scoring import RATING_LABELS

from .debrief_panels import ColumnFitter, fit_rows


def _named(widget: Any, name: str, tip: str = "") -> Any:
    widget.setAccessibleName(name)
    widget.setToolTip(tip or name)
    return widget


def _button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    return _named(button, text.rstrip("…"), tip)


class AARPanel(QWidget):
    """The HSEEP after-action report of one session, edited and saved to the journal.

    Signals:
        saved(AAR): after a successful save.
        dirtyChanged(bool): the edits differ (or no longer differ) from what is saved.
    """

    saved = Signal(object)
    dirtyChanged = Signal(bool)
    PLAN_COLUMNS = ("Capability", "Issue", "Corrective action", "Element", "Organisation",
                    "Point of contact", "Start", "Completion")
    RATING_COLUMNS = ("Capability", "Objective", "The rules' rating, and why", "Your rating",
                      "Comment", "Evaluator")

    def __init__(self, journal: Any, debrief: Debrief, parent: QWidget | None = None) -> None:
        """Build the panel from what the session's journal holds.

        Args:
            journal: The journal to save to.
            debrief: The debrief (objectives, their rule ratings, capabilities).
            parent: Parent widget.
        """
        super().__init__(parent)
        self.journal = journal
        self.debrief = debrief
        self.aar: AAR = load_aar(journal, debrief.session_id) if debrief.session_id else AAR()
        self._loading = True
        self._dirty = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.pages = QTabWidget()
        self.pages.setObjectName("aar-pages")
        self.pages.setAccessibleName("Parts of the after-action report")
        self.pages.addTab(self._overview_page(), "Exercise overview")
        self.pages.addTab(self._ratings_page(), "Objectives && ratings")
        self.pages.addTab(self._findings_page(), "Strengths && improvements")
        self.pages.addTab(self._notes_page(), "Hot wash && notes")
        self.pages.addTab(self._plan_page(), "Improvement plan")
        layout.addWidget(self.pages, 1)
        save_row = QHBoxLayout()
        self.status = QLabel(f"Last saved {self.aar.updated_at}" if self.aar.updated_at else
                             "Not saved yet.")
        self.status.setObjectName("aar-status")
        self.status.setWordWrap(True)
        self.save_button = _button("Save to the session", "save-aar",
                                   "Save the whole after-action report with this session "
                                   "(Ctrl+S)")
        self.save_button.setProperty("primary", True)
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        if not debrief.session_id:
            self.save_button.setEnabled(False)
        save_row.addWidget(self.status, 1)
        save_row.addWidget(self.save_button)
        layout.addLayout(save_row)
        self._loading = False

    # -- dirty state ------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """Whether there are edits not saved yet."""
        return self._dirty

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)
        if dirty:
            self.status.setText("Unsaved edits — Save to the session keeps them.")

    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self._set_dirty(True)

    def _line(self, text: str, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        _named(edit, name, placeholder or name)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._changed)
        return edit

    def _text(self, text: str, name: str, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit(text)
        _named(edit, name, placeholder or name)
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.textChanged.connect(self._changed)
        return edit

    # -- overview --------------------------------------------------------------

    def _overview_page(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # rows keep their own height; the room left goes below
        ov = effective_overview(self.debrief, self.aar)
        self.exercise_name = self._line(ov.name, "Exercise name")
        self.first_day = self._line(ov.start, "First day", "YYYY-MM-DD")
        self.last_day = self._line(ov.end, "Last day", "YYYY-MM-DD")
        days = QHBoxLayout()
        for edit in (self.first_day, self.last_day):
            edit.setMaximumWidth(180)
        days.addWidget(self.first_day)
        days.addWidget(QLabel("to"))
        days.addWidget(self.last_day)
        days.addStretch(1)
        self.participants = QTableWidget(0, 2)
        self.participants.setObjectName("participants")
        _named(self.participants, "Participants and their roles")
        self.participants.setHorizontalHeaderLabels(["Name", "Role"])
        self.participants.verticalHeader().setVisible(False)
        self.participants.horizontalHeader().setStretchLastSection(True)
        self.participants.horizontalHeader().resizeSection(0, 220)
        self.participants.setMaximumHeight(150)
        for person in ov.participants:
            self.add_participant(person)
        self.participants.itemChanged.connect(self._changed)
        people_buttons = QHBoxLayout()
        add = _button("Add participant", "add-participant", "Add a row for a participant")
        remove = _button("Remove participant", "remove-participant",
                         "Remove the selected participant")
        add.clicked.connect(self._add_participant_row)
        remove.clicked.connect(self._remove_participant)
        people_buttons.addWidget(add)
        people_buttons.addWidget(remove)
        people_buttons.addStretch(1)
        people = QVBoxLayout()
        people.addWidget(self.participants)
        people.addLayout(people_buttons)
        self.facilitator = self._line(ov.facilitator, "Facilitator", "Who ran the exercise")
        self.evaluators = self._line(", ".join(ov.evaluators), "Evaluators",
                                     "Names, separated by commas")
        self.organisation = self._line(ov.organisation, "Organisation",
                                       "Sponsoring or participating organisation")
        d = self.debrief
        scenario = QLabel(f"{d.scenario_title} ({d.scenario_id}), version {d.version}"
                          + (f" — {d.played_on}" if d.played_on else ""))
        scenario.setWordWrap(True)
        capabilities = QLabel(", ".join(d.capabilities.values()) or
                              "The scenario names no core capabilities.")
        capabilities.setWordWrap(True)
        form.addRow("Exercise name", self.exercise_name)
        form.addRow("Dates", days)
        form.addRow("Scenario", scenario)
        form.addRow("Participants", people)
        form.addRow("Facilitator", self.facilitator)
        form.addRow("Evaluators", self.evaluators)
        form.addRow("Organisation", self.organisation)
        form.addRow("Core capabilities", capabilities)
        return page

    def _add_participant_row(self) -> None:
        self.add_participant(Participant())
        self._changed()

    def add_participant(self, person: Participant) -> None:
        """Append a participant row."""
        row = self.participants.rowCount()
        self.participants.insertRow(row)
        self.participants.setItem(row, 0, QTableWidgetItem(person.name))
        self.participants.setItem(row, 1, QTableWidgetItem(person.role))

    def _remove_participant(self) -> None:
        row = self.participants.currentRow()
        if row >= 0:
            self.participants.removeRow(row)
            self._changed()

    # -- ratings ---------------------------------------------------------------

    def _ratings_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        head = QLabel("Each objective is rated by the scenario's rules, for the reason shown. "
                      "An evaluator may rate it otherwise: choose the rating, say why and sign "
                      "with your name. P: performed without challenges · S: some challenges · "
                      "M: major challenges · U: unable to perform.")
        head.setWordWrap(True)
        layout.addWidget(head)
        d = self.debrief
        self.ratings = QTableWidget(len(d.objectives), len(self.RATING_COLUMNS))
        self.ratings.setObjectName("ratings")
        _named(self.ratings, "Objective ratings", "Each objective's rating, its reason, and "
               "the evaluator's rating")
        self.ratings.setHorizontalHeaderLabels(list(self.RATING_COLUMNS))
        self.ratings.verticalHeader().setVisible(False)
        self.ratings.setWordWrap(True)
        self.ratings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rating_boxes: list[QComboBox] = []
        self.comment_edits: list[QLineEdit] = []
        self.evaluator_edits: list[QLineEdit] = []
        for row, objective in enumerate(d.objectives):
            code = objective.rating
            rules = f"{code} — {RATING_LABELS[code]}" if code else "not rated"
            cells = (d.capability_name(objective.id) or "—", objective.text,
                     f"{rules}\n{rating_reason(objective)}")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.ratings.setItem(row, col, item)
            override = self.aar.ratings.get(objective.id, RatingOverride())
            box = QComboBox()
            _named(box, f"Evaluator's rating of: {objective.text}",
                   "Keep the rules' rating, or rate P, S, M or U")
            box.addItem("Keep the rules' rating", None)
            for c in RATING_CODES:
                box.addItem(f"{c} — {RATING_LABELS[c]}", c)
            box.setCurrentIndex(max(0, box.findData(override.rating)) if override.rating else 0)
            box.currentIndexChanged.connect(lambda _i, r=row: self._rating_changed(r))
            comment = self._line(override.comment, f"Comment on: {objective.text}",
                                 "Why this rating?")
            evaluator = self._line(override.evaluator, f"Evaluator of: {objective.text}",
                                   "Your name")
            self.ratings.setCellWidget(row, 3, box)
            self.ratings.setCellWidget(row, 4, comment)
            self.ratings.setCellWidget(row, 5, evaluator)
            self.rating_boxes.append(box)
            self.comment_edits.append(comment)
            self.evaluator_edits.append(evaluator)
        header = self.ratings.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # The columns share the width (a small screen needs no sideways scrolling).
        self.rating_columns = ColumnFitter(self.ratings, (13, 20, 26, 15, 16, 10))
        fit_rows(self.ratings)
        layout.addWidget(self.ratings, 1)
        return page

    def _rating_changed(self, row: int) -> None:
        """A rating was chosen: sign it with the first evaluator's name if none is given."""
        self._changed()
        names = [n.strip() for n in self.evaluators.text().split(",") if n.strip()]
        edit = self.evaluator_edits[row]
        if self.rating_boxes[row].currentData() is not None and not edit.text() and names:
            edit.setText(names[0])

    # -- findings --------------------------------------------------------------

    def _findings_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.finding_list = QListWidget()
        self.finding_list.setObjectName("findings")
        _named(self.finding_list, "Findings", "Strengths and areas for improvement")
        left_layout.addWidget(self.finding_list, 1)
        buttons = QHBoxLayout()
        self.add_strength = _button("Add strength", "add-strength", "Add a strength")
        self.add_improvement = _button("Add area for improvement", "add-improvement",
                                       "Add an area for improvement")
        self.remove_finding = _button("Remove", "remove-finding", "Remove the selected finding")
        self.draft_findings = _button("Draft from the ratings", "draft-findings",
                                      "Add a strength for each P and an area for improvement "
                                      "for each M or U, with the rating's reason as the "
                                      "observation")
        for button in (self.add_strength, self.add_improvement):
            buttons.addWidget(button)
        left_layout.addLayout(buttons)
        more = QHBoxLayout()
        more.addWidget(self.remove_finding)
        more.addWidget(self.draft_findings)
        left_layout.addLayout(more)
        split.addWidget(left)
        form_holder = QWidget()
        form = QFormLayout(form_holder)
        self.finding_kind = QComboBox()
        _named(self.finding_kind, "Kind of finding", "Strength or area for improvement")
        for key, text in FINDING_KINDS.items():
            self.finding_kind.addItem(text, key)
        self.finding_capability = self._capability_box("Capability of the finding")
        self.finding_title = QLineEdit()
        _named(self.finding_title, "Finding", "One line that names it")
        self.finding_observation = QPlainTextEdit()
        _named(self.finding_observation, "Observation", "What was seen")
        self.finding_analysis = QPlainTextEdit()
        _named(self.finding_analysis, "Analysis", "Why it happened, and what it meant")
        self.finding_recommendation = QPlainTextEdit()
        _named(self.finding_recommendation, "Recommendation", "What to do about it")
        self.finding_references = QLineEdit()
        _named(self.finding_references, "References", "Plans, doctrine or sources")
        for edit in (self.finding_observation, self.finding_analysis,
                     self.finding_recommendation):
            edit.setTabChangesFocus(True)
        form.addRow("Kind", self.finding_kind)
        form.addRow("Capability", self.finding_capability)
        form.addRow("Finding", self.finding_title)
        form.addRow("Observation", self.finding_observation)
        form.addRow("Analysis", self.finding_analysis)
        form.addRow("Recommendation", self.finding_recommendation)
        form.addRow("References", self.finding_references)
        split.addWidget(form_holder)
        split.setSizes([340, 660])
        layout.addWidget(split, 1)
        self.findings: list[Finding] = [f for f in self.aar.findings if not f.empty]
        self._showing = -1
        for finding in self.findings:
            self.finding_list.addItem(self._finding_label(finding))
        self.finding_list.currentRowChanged.connect(self._show_finding)
        self.add_strength.clicked.connect(lambda: self.add_finding(Finding(kind="strength")))
        self.add_improvement.clicked.connect(
            lambda: self.add_finding(Finding(kind="improvement")))
        self.remove_finding.clicked.connect(self._remove_finding)
        self.draft_findings.clicked.connect(self.draft_from_ratings)
        for signal in (self.finding_kind.currentIndexChanged,
                       self.finding_capability.currentIndexChanged,
                       self.finding_title.textChanged, self.finding_observation.textChanged,
                       self.finding_analysis.textChanged,
                       self.finding_recommendation.textChanged,
                       self.finding_references.textChanged):
            signal.connect(self._finding_edited)
        self._show_finding(0 if self.findings else -1)
        if self.findings:
            self.finding_list.setCurrentRow(0)
        return page

    def _capability_box(self, name: str) -> QComboBox:
        box = QComboBox()
        _named(box, name, "The core capability it falls under")
        box.addItem("—", "")
        for key, text in self.debrief.capabilities.items():
            box.addItem(text, key)
        return box

    @staticmethod
    def _finding_label(finding: Finding) -> str:
        return f"{finding.label}: {finding.title or '(untitled)'}"

    def add_finding(self, finding: Finding) -> None:
        """Add a finding and show it for editing."""
        self.findings.append(finding)
        self.finding_list.addItem(self._finding_label(finding))
        self.finding_list.setCurrentRow(len(self.findings) - 1)
        self._changed()
        self.finding_title.setFocus()

    def draft_from_ratings(self) -> int:
        """Add drafts of the findings the ratings suggest (not already there).

        Returns:
            How many were added.
        """
        have = {(f.objective, f.kind) for f in self.findings}
        # From the ratings as edited on screen (an evaluator's rating counts, saved or not).
        rated = apply_aar(copy.copy(self.debrief), self.edited())
        drafts = [f for f in suggested_findings(rated) if (f.objective, f.kind) not in have]
        for finding in drafts:
            self.findings.append(finding)
            self.finding_list.addItem(self._finding_label(finding))
        if drafts:
            self.finding_list.setCurrentRow(len(self.findings) - len(drafts))
            self._changed()
        return len(drafts)

    def _remove_finding(self) -> None:
        row = self.finding_list.currentRow()
        if 0 <= row < len(self.findings):
            self._showing = -1
            del self.findings[row]
            self.finding_list.takeItem(row)
            self._show_finding(self.finding_list.currentRow())
            self._changed()

    def _show_finding(self, row: int) -> None:
        self._showing = -1
        finding = self.findings[row] if 0 <= row < len(self.findings) else None
        editors = (self.finding_kind, self.finding_capability, self.finding_title,
                   self.finding_observation, self.finding_analysis, self.finding_recommendation,
                   self.finding_references)
        for editor in editors:
            editor.setEnabled(finding is not None)
        finding = finding or Finding()
        self.finding_kind.setCurrentIndex(max(0, self.finding_kind.findData(finding.kind)))
        self.finding_capability.setCurrentIndex(
            max(0, self.finding_capability.findData(finding.capability)))
        self.finding_title.setText(finding.title)
        self.finding_observation.setPlainText(finding.observation)
        self.finding_analysis.setPlainText(finding.analysis)
        self.finding_recommendation.setPlainText(finding.recommendation)
        self.finding_references.setText(finding.references)
        self._showing = row if 0 <= row < len(self.findings) else -1

    def _finding_edited(self, *_args: object) -> None:
        row = self._showing
        if row < 0:
            return
        self.findings[row] = dataclasses.replace(
            self.findings[row], kind=str(self.finding_kind.currentData()),
            capability=str(self.finding_capability.currentData() or ""),
            title=self.finding_title.text(), observation=self.finding_observation.toPlainText(),
            analysis=self.finding_analysis.toPlainText(),
            recommendation=self.finding_recommendation.toPlainText(),
            references=self.finding_references.text())
        item = self.finding_list.item(row)
        if item is not None:
            item.setText(self._finding_label(self.findings[row]))
        self._changed()

    # -- hot wash and notes ------------------------------------------------------

    def _notes_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<b>Hot wash</b> — what the players said right after the "
                                "exercise: what went well, what did not, what they would do "
                                "differently."))
        self.hot_wash = self._text(self.aar.hot_wash, "Hot wash",
                                   "Notes of the discussion right after the exercise")
        layout.addWidget(self.hot_wash, 1)
        layout.addWidget(QLabel("<b>Instructor's notes</b> — overall observations for the "
                                "trainee (shown in the report)."))
        self.notes = self._text(self.aar.notes, "Instructor's notes",
                                "Overall observations for the trainee")
        layout.addWidget(self.notes, 1)
        return page

    # -- improvement plan ----------------------------------------------------------

    def _plan_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        head = QLabel("Each row: the capability, the issue, the corrective action, the "
                      "capability element it needs (planning, organisation, equipment, "
                      "training or exercise), who is responsible, the point of contact, and "
                      "the start and completion dates (write dates like 2026-12-31).")
        head.setWordWrap(True)
        layout.addWidget(head)
        self.plan = QTableWidget(0, len(self.PLAN_COLUMNS))
        self.plan.setObjectName("improvement-plan")
        _named(self.plan, "Improvement plan", "What to improve, who does it and by when")
        self.plan.setHorizontalHeaderLabels(list(self.PLAN_COLUMNS))
        self.plan.verticalHeader().setVisible(False)
        self.plan.setWordWrap(True)
        for col in (6, 7):
            header_item = self.plan.horizontalHeaderItem(col)
            if header_item is not None:
                header_item.setToolTip("Write dates like 2026-12-31")
        header = self.plan.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.plan_columns = ColumnFitter(self.plan, (13, 15, 17, 10, 11, 11, 11, 12))
        self.capability_boxes: list[QComboBox] = []
        self.element_boxes: list[QComboBox] = []
        for planned in self.aar.plan:
            self.add_plan_row(planned)
        fit_rows(self.plan)  # long issues and actions wrap in their cells
        self.plan.itemChanged.connect(self._changed)
        layout.addWidget(self.plan, 1)
        buttons = QHBoxLayout()
        add = _button("Add row", "add-plan-row", "Add a row to the improvement plan")
        remove = _button("Remove selected row", "remove-plan-row",
                         "Remove the selected row of the improvement plan")
        add.clicked.connect(self._add_plan_row_clicked)
        remove.clicked.connect(self.remove_plan_row)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _add_plan_row_clicked(self) -> None:
        self.add_plan_row(PlanItem())
        self._changed()

    def add_plan_row(self, item: PlanItem) -> None:
        """Append a row to the improvement plan."""
        row = self.plan.rowCount()
        self.plan.insertRow(row)
        capability = self._capability_box(f"Capability of plan row {row + 1}")
        capability.setCurrentIndex(max(0, capability.findData(item.capability)))
        element = QComboBox()
        _named(element, f"Capability element of plan row {row + 1}",
               "Planning, organisation, equipment, training or exercise")
        element.addItem("—", "")
        for key, text in CAPABILITY_ELEMENTS.items():
            element.addItem(text, key)
        element.setCurrentIndex(max(0, element.findData(item.element)))
        for box in (capability, element):
            box.currentIndexChanged.connect(self._changed)
        self.plan.setCellWidget(row, 0, capability)
        self.plan.setCellWidget(row, 3, element)
        self.capability_boxes.append(capability)
        self.element_boxes.append(element)
        for col, text in ((1, item.issue), (2, item.action), (4, item.organisation),
                          (5, item.contact), (6, item.start), (7, item.completion)):
            self.plan.setItem(row, col, QTableWidgetItem(text))

    def remove_plan_row(self) -> None:
        """Remove the selected improvement-plan row."""
        row = self.plan.currentRow()
        if row >= 0:
            self.plan.removeRow(row)
            del self.capability_boxes[row]
            del self.element_boxes[row]
            self._changed()

    # -- reading the edits back, and saving -----------------------------------------

    def edited(self) -> AAR:
        """The AAR as currently edited on screen."""
        ratings: dict[str, RatingOverride] = {}
        for objective, box, edit, who in zip(self.debrief.objectives, self.rating_boxes,
                                             self.comment_edits, self.evaluator_edits,
                                             strict=True):
            rating = box.currentData()
            comment, evaluator = edit.text().strip(), who.text().strip()
            if rating is not None or comment or evaluator:
                ratings[objective.id] = RatingOverride(rating, comment, evaluator)
        plan = []
        for row in range(self.plan.rowCount()):
            def cell(col: int, r: int = row) -> str:
                item = self.plan.item(r, col)
                return item.text().strip() if item is not None else ""

            plan.append(PlanItem(
                issue=cell(1), action=cell(2),
                capability=str(self.capability_boxes[row].currentData() or ""),
                element=str(self.element_boxes[row].currentData() or ""),
                organisation=cell(4), contact=cell(5), start=cell(6), completion=cell(7)))
        people = []
        for row in range(self.participants.rowCount()):
            name, role = (self.participants.item(row, c) for c in (0, 1))
            person = Participant(name.text().strip() if name else "",
                                 role.text().strip() if role else "")
            if person.name or person.role:
                people.append(person)
        overview = Overview(
            name=self.exercise_name.text().strip(), start=self.first_day.text().strip(),
            end=self.last_day.text().strip(), participants=tuple(people),
            facilitator=self.facilitator.text().strip(),
            evaluators=tuple(n.strip() for n in self.evaluators.text().split(",") if n.strip()),
            organisation=self.organisation.text().strip())
        findings = [dataclasses.replace(f, **{k: str(v).strip() for k, v in
                                              dataclasses.asdict(f).items()})
                    for f in self.findings if not f.empty]
        return AAR(ratings, [p for p in plan if not p.empty], self.notes.toPlainText().strip(),
                   overview=overview, findings=findings,
                   hot_wash=self.hot_wash.toPlainText().strip())

    def save(self) -> bool:
        """Validate and save the edits to the journal.

        Returns:
            Whether they were saved (a bad date, rating or missing name is
            explained instead, and the edits stay on screen).
        """
        try:
            self.aar = save_aar(self.journal, self.debrief.session_id, self.edited())
        except AARError as exc:
            self.status.setText(f"Not saved: {exc}")
            QMessageBox.warning(self, "After-action report", f"Not saved: {exc}")
            return False
        except Exception as exc:  # noqa: BLE001 - a store error keeps the edits on screen
            self.status.setText(f"Not saved: {exc}")
            QMessageBox.warning(self, "After-action report",
                                f"Not saved (the session store refused it): {exc}")
            return False
        self._set_dirty(False)
        self.status.setText(f"Saved to the session at {self.aar.updated_at}.")
        self.saved.emit(self.aar)
        return True
