"""The inject feed: every message so far, newest first, styled by its source.

Intelligence, press, allied, counterpart, staff and domestic messages each
have a colour edge and icon; the counterpart's answers and silences are in
the feed too. Messages that arrived this turn are marked NEW. Nothing is
dropped: the feed scrolls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from . import theme
from .present import FeedItem, feed_items, format_short
from .widgets import ScrollColumn, clear_layout, hbox, icon_label, label, pill

if TYPE_CHECKING:
    from .controller import SessionController

KIND_ICONS = {
    "intel": "intel", "press": "press", "allied": "allied", "counterpart": "counterpart",
    "staff": "staff", "domestic": "domestic",
}


class FeedCard(QFrame):
    def __init__(self, item: FeedItem, fresh: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setProperty("feed", item.kind if item.kind in KIND_ICONS else "staff")
        self.setProperty("fresh", fresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 7, 10, 8)
        layout.setSpacing(3)
        color = theme.colors(theme.current_theme()).get(item.kind, None)
        kind = label(item.kind_label.upper(), "eyebrow", wrap=False)
        kind.setProperty("feedKind", item.kind)
        header = hbox(icon_label(KIND_ICONS.get(item.kind, "staff"), color, 16), kind, None,
                      spacing=6)
        if fresh:
            header.addWidget(pill("NEW", "accent"))
        header.addWidget(label(format_short(item.clock), "muted", wrap=False))
        layout.addLayout(header)
        layout.addWidget(label(item.sender, "h3"))
        if item.channel_label:
            layout.addWidget(label(f"via {item.channel_label}", "muted"))
        text = label(item.text, "body", selectable=True)
        layout.addWidget(text)
        if item.facilitator:
            layout.addWidget(label("Delivered by the facilitator", "muted"))
        self.setAccessibleName(f"{item.kind_label} from {item.sender}: {item.text}")


class InjectFeed(QFrame):
    """All messages, newest first; re-reads the session on ``stateChanged``."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setAccessibleName("Message feed")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.heading = label("MESSAGES · NEWEST FIRST", "eyebrow")
        layout.addWidget(self.heading)
        self.scroll = ScrollColumn(spacing=8)
        layout.addWidget(self.scroll, 1)
        self.empty = label("No messages yet.", "muted")
        self.shown: list[int] = []
        self.cards: list[FeedCard] = []
        controller.stateChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        session = self.controller.session
        if session is None:
            return
        items = feed_items(session.scenario, session.events, session.roles)
        seqs = [i.seq for i in items]
        if seqs == self.shown:
            return
        self.shown = seqs
        clear_layout(self.scroll.body)
        self.cards = []
        last_decision = max((e["seq"] for e in session.events if e["type"] == "decision"),
                            default=-1)
        for item in items:
            card = FeedCard(item, fresh=item.seq > last_decision and not session.ended)
            self.cards.append(card)
            self.scroll.body.addWidget(card)
        if not items:
            self.empty = label("No messages yet.", "muted")
            self.scroll.body.addWidget(self.empty)
        self.scroll.body.addStretch(1)
        self.scroll.verticalScrollBar().setValue(0)
        fresh = sum(1 for c in self.cards if c.property("fresh"))
        self.heading.setText(
            f"MESSAGES · NEWEST FIRST · {fresh} NEW" if fresh else "MESSAGES · NEWEST FIRST")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def texts(self) -> list[str]:
        return [c.item.text for c in self.cards]
