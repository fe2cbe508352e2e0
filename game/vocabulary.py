"""The game's fixed vocabularies, one table each: option kinds and channel statuses.

Everything Hotline knows about an option kind or a channel status is a
column of one row here: the scenario format (which kinds and statuses a file
may name), the engine (whether a kind places a call), batch play (which kind
a prudent player prefers), and every screen, report and chart (label, words,
colour, icon, tone). Adding a kind or a status is one row.

The module is plain data with no imports from the rest of the game, so the
lowest layer (:mod:`game.scenario`) can read it as well as the UI.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CHANNEL_STATUSES",
    "FORCEABLE_RESULTS",
    "OPTION_KINDS",
    "ChannelStatus",
    "OptionKind",
    "option_kind",
    "prudence_order",
    "status",
]


@dataclass(frozen=True)
class OptionKind:
    """One kind of option a trainee can take.

    Attributes:
        id: The name scenario files use (``kind: back_channel``).
        label: How screens name it ("Back-channel").
        colour: Its colour in the Studio's graph and legends.
        icon: Its icon (``assets/icons/<icon>.svg``).
        severity: The severity class an option of this kind has unless the
            author says otherwise (weights in :mod:`game.scenario.models`).
        prudence: Fallback rank for the expert and historical players off
            their path (0 = most prudent: talk before acting, act before
            waiting, wait before going public, escalate last).
        places_call: The option uses its channel to call the counterpart
            (it must name a channel, and the counterpart answers or not).
    """

    id: str
    label: str
    colour: str
    icon: str
    severity: str
    prudence: int
    places_call: bool = False


#: Every option kind, in the order the decision panel groups them.
OPTION_KINDS: dict[str, OptionKind] = {
    kind.id: kind
    for kind in (
        OptionKind("call", "Call", "#1f5fbf", "call", "status_quo", 2, places_call=True),
        OptionKind("escalate", "Escalate", "#c62828", "escalate", "posturing", 7),
        OptionKind("back_channel", "Back-channel", "#7a3fa8", "back_channel", "status_quo", 1,
                   places_call=True),
        OptionKind("public", "Public", "#d9730d", "public", "nonviolent", 6),
        OptionKind("concede", "Concede", "#2e7d32", "concede", "de_escalation", 4),
        OptionKind("wait", "Wait", "#6b7685", "wait", "status_quo", 5),
        OptionKind("allies", "Allies", "#137a9a", "allies", "status_quo", 3),
        OptionKind("de_escalate", "De-escalate", "#00897b", "de_escalate", "de_escalation", 0),
    )
}

_UNKNOWN_KIND_COLOUR = "#6b7685"


def option_kind(kind: str) -> OptionKind:
    """The row of a kind (an unknown kind gets a neutral row named after itself)."""
    found = OPTION_KINDS.get(kind)
    if found is not None:
        return found
    return OptionKind(kind, kind.replace("_", " ").title(), _UNKNOWN_KIND_COLOUR, "wait",
                      "status_quo", len(OPTION_KINDS))


def prudence_order() -> tuple[str, ...]:
    """Option kinds, most prudent first (the expert's fallback order)."""
    return tuple(sorted(OPTION_KINDS, key=lambda k: OPTION_KINDS[k].prudence))


@dataclass(frozen=True)
class ChannelStatus:
    """One status a channel can have.

    Attributes:
        id: The name scenario files and events use.
        label: Short label on the channel board ("Ringing").
        words: How an instructor reads it in the debrief ("ringing (consulting)").
        tone: ``good``, ``waiting``, ``bad`` or ``neutral`` (colours follow the theme).
        colour: Its fill in the debrief's channel strip.
        icon: Its icon (``assets/icons/<icon>.svg``).
        forceable: A facilitator may force a call to end this way, with the
            button text given (None: not a call result).
    """

    id: str
    label: str
    words: str
    tone: str
    colour: str
    forceable: str | None = None

    @property
    def icon(self) -> str:
        return f"status-{self.id}"


#: Every channel status, in the order a call goes through them.
CHANNEL_STATUSES: dict[str, ChannelStatus] = {
    status.id: status
    for status in (
        ChannelStatus("open", "Open", "open", "neutral", "#e3e6ea"),
        ChannelStatus("requested", "Requested", "call requested", "waiting", "#9cc3e6"),
        ChannelStatus("ringing", "Ringing", "ringing (consulting)", "waiting", "#f2c14e"),
        ChannelStatus("declined", "Declined", "declined", "bad", "#d9534f", forceable="Decline"),
        ChannelStatus("unanswered", "Unanswered", "unanswered", "bad", "#7d6b91",
                      forceable="No answer"),
        ChannelStatus("answered", "Answered", "answered", "good", "#3c9d5d", forceable="Answer"),
        ChannelStatus("suspended", "Suspended", "suspended", "bad", "#333333"),
    )
}

#: Results a facilitator can force on a call, the good one first (button order).
FORCEABLE_RESULTS: tuple[str, ...] = tuple(
    s.id for s in sorted(CHANNEL_STATUSES.values(), key=lambda s: s.tone != "good")
    if s.forceable
)


def status(status_id: str) -> ChannelStatus:
    """The row of a status (an unknown one gets a neutral row named after itself)."""
    found = CHANNEL_STATUSES.get(status_id)
    if found is not None:
        return found
    return ChannelStatus(status_id, status_id.title(), status_id, "neutral", "#bbbbbb")
