"""The inject feed: every message so far, newest first, styled by its source.

Intelligence, press, allied, counterpart, staff and domestic messages each
have a colour edge and icon; the counterpart's answers and silences are in
the feed too. Messages that arrived this turn are marked NEW. Nothing is
dropped: the feed scrolls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from game.engine.events import DecisionTaken

from . import theme
from .present import FeedItem, feed_items, format_short
from .widgets import (
    LazyRefresh,
    ScrollColumn,
    clear_layout,
    hbox,
    icon_label,
    label,
    pill,
    set_prop,
)

if TYPE_CHECKING:
    from .controller import SessionController

KIND_ICONS = {
    "intel": "intel", "press": "press", "allied": "allied", "counterpart": "counterpart",
    "staff": "staff", "domestic": "domestic",
}


def seen_before(events: Sequence[object], role: str | None) -> int:
    """The last event the viewer has certainly read: the last decision they took part in.

    Alone at the keyboard that is the last decision. In team play it is the last
    decision the role took, or voted on: a message sent only to the deputy while
    the lead held the keyboard is still new when the deputy sits down, however
    many decisions later, and stops being new once the deputy has decided.
    """
    last = -1
    for event in events:
        if not isinstance(event, DecisionTaken):
            continue
        voters = {voter for voter, _option in event.votes or ()}
        if role is None or event.role == role or role in voters:
            last = event.seq
    return last


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
        # The kind wraps rather than being cut ("COUNTERPART · DE…" read as nothing).
        kind = label(item.kind_label.upper(), "eyebrow")
        kind.setProperty("feedKind", item.kind)
        kind.setObjectName("feed-kind")
        header = hbox(icon_label(KIND_ICONS.get(item.kind, "staff"), color, 16), spacing=6)
        header.addWidget(kind, 1)
        self.new_mark = pill("NEW", "accent")
        self.new_mark.setVisible(fresh)
        header.addWidget(self.new_mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        layout.addWidget(label(item.sender, "h3"))
        # When (and how) it came, on one line under the sender: the header keeps its room.
        when = format_short(item.clock)
        layout.addWidget(label(f"{when} · via {item.channel_label}" if item.channel_label
                               else when, "muted"))
        text = label(item.text, "body", selectable=True)
        layout.addWidget(text)
        self.setAccessibleName(f"{item.kind_label} from {item.sender}: {item.text}")


class InjectFeed(LazyRefresh, QFrame):
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
        self.list_area = ScrollColumn(spacing=8)
        self.list_area.body.addStretch(1)
        layout.addWidget(self.list_area, 1)
        self.empty = label("No messages yet.", "muted")
        self.shown: list[int] = []
        self._viewer: str | None = None
        self._seen = -1
        self.cards: list[FeedCard] = []
        controller.activeRoleChanged.connect(self.refresh)  # team play: another role's view
        controller.stateChanged.connect(self.request_refresh)
        self.refresh()

    def refresh(self) -> None:
        """Add the new messages on top; older cards stay (only their NEW mark changes)."""
        session = self.controller.session
        if session is None:
            return
        # Team play shows only the messages for the role at the keyboard (and for everyone).
        items = feed_items(session.scenario, session.events, self.controller.viewer_roles(),
                           table=self.controller.table)
        seqs = [i.seq for i in items]
        viewer = self.controller.shown_role if self.controller.team else None
        last_decision = seen_before(session.events, viewer)
        if (seqs, viewer, last_decision) == (self.shown, self._viewer, self._seen):
            return
        self._viewer, self._seen = viewer, last_decision
        known = {card.item.seq: card for card in self.cards}
        if not set(known) <= set(seqs):  # history rewritten (another session?): rebuild
            clear_layout(self.list_area.body)
            known = {}
            self.list_area.body.addStretch(1)
        if self.empty.parent() is not None:
            self.empty.hide()
        new_cards = []
        for item in items:
            if item.seq not in known:
                new_cards.append(FeedCard(item, fresh=item.seq > last_decision
                                          and not session.ended))
        for index, card in enumerate(new_cards):
            self.list_area.body.insertWidget(index, card)
        for card in known.values():
            set_prop(card, "fresh", card.item.seq > last_decision and not session.ended)
            card.new_mark.setVisible(card.property("fresh"))
        self.cards = new_cards + [known[s] for s in seqs if s in known]
        self.shown = seqs
        if not items:
            self.list_area.body.insertWidget(0, self.empty)
            self.empty.show()
        self.list_area.verticalScrollBar().setValue(0)
        fresh = sum(1 for c in self.cards if c.property("fresh"))
        self.heading.setText(
            f"MESSAGES · NEWEST FIRST · {fresh} NEW" if fresh else "MESSAGES · NEWEST FIRST")

    def texts(self) -> list[str]:
        return [c.item.text for c in self.cards]
