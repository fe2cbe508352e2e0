"""Pydantic models of the scenario file format.

The models hold what the author wrote, validated for shape only. Cross
references (next nodes, channels, meters named in conditions) are checked by
:mod:`game.scenario.compile`, which also turns condition and effect strings
into closures.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from game import vocabulary

ID_PATTERN = r"^[a-z][a-z0-9-]*$"
Ident = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
Expr = Annotated[str, Field(min_length=1, max_length=2_000)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]

MAX_METER = 1_000_000
"""Largest magnitude of a meter's range: wider ranges make scores lose all precision
(the score divides by the range) and give nothing a scenario needs."""
MeterValue = Annotated[float, Field(ge=-MAX_METER, le=MAX_METER)]

MAX_TURNS = 1000
"""Most decisions a session may take. A scenario whose flow can loop is stopped
there with a clear message instead of running (and journalling) forever."""

# Option kinds and channel statuses are rows of one table each (game.vocabulary);
# the Literal types are built from them so the schema's enums follow the table.
OPTION_KINDS: tuple[str, ...] = tuple(vocabulary.OPTION_KINDS)
if TYPE_CHECKING:
    OptionKind = str
else:
    OptionKind = Literal[OPTION_KINDS]
Severity = Literal["de_escalation", "status_quo", "posturing", "nonviolent", "violent"]
ChannelLevel = Literal["military", "diplomatic", "political", "third_party", "public"]
CHANNEL_LEVELS: tuple[str, ...] = ("military", "diplomatic", "political", "third_party", "public")
CHANNEL_STATUSES: tuple[str, ...] = tuple(vocabulary.CHANNEL_STATUSES)
if TYPE_CHECKING:
    ChannelStatus = str
else:
    ChannelStatus = Literal[CHANNEL_STATUSES]
InjectKind = Literal["intel", "press", "allied", "counterpart", "staff", "domestic"]
AuthorityLevel = Literal["political", "military", "working"]
AUTHORITY_LEVELS: tuple[str, ...] = ("political", "military", "working")
#: The leadership decision a channel needs, by channel level, when the channel
#: does not say (third parties and the press need none).
DEFAULT_AUTHORITY: dict[str, str | None] = {
    "military": "military",
    "political": "political",
    "diplomatic": "working",
    "third_party": None,
    "public": None,
}
#: How much an answered call counts as real contact, by channel level, when the
#: channel does not say: a chargé taking a démarche is not a defense-chief call.
DEFAULT_SUBSTANCE: dict[str, float] = {
    "military": 1.0,
    "political": 1.0,
    "diplomatic": 0.4,
    "third_party": 0.3,
    "public": 0.0,
}
PriceStatus = Literal["none", "demanded", "deferred", "paid", "refused"]
PRICE_STATUSES: tuple[str, ...] = ("none", "demanded", "deferred", "paid", "refused")
CallSubject = Literal["operations", "technical", "reassurance"]
CALL_SUBJECTS: tuple[str, ...] = ("operations", "technical", "reassurance")

# Rivera et al. (2024) escalation weights per action class.
SEVERITY_WEIGHT: dict[str, int] = {
    "de_escalation": -2,
    "status_quo": 0,
    "posturing": 4,
    "nonviolent": 12,
    "violent": 28,
}
DEFAULT_SEVERITY: dict[str, str] = {k.id: k.severity for k in vocabulary.OPTION_KINDS.values()}


class Strict(BaseModel):
    """Base for every file-format model: unknown keys are errors, values frozen."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class Source(Strict):
    """A published source the scenario rests on."""

    title: Text
    publisher: Text
    date: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] = Field(
        description="YYYY, YYYY-MM or YYYY-MM-DD"
    )
    url: str | None = None


class Band(Strict):
    """A named range of a meter, e.g. a group of rungs on Kahn's ladder."""

    upto: MeterValue = Field(description="Upper bound of the band (inclusive).")
    label: Text
    note: str = ""


class Meter(Strict):
    """A 0–100 (or author-ranged) quantity tracked through the session."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)] = Field(
        description="Used bare in conditions, so letters, digits and '_' only."
    )
    label: Text
    initial: MeterValue
    min: MeterValue = 0
    max: MeterValue = 100
    hidden: bool = Field(False, description="Shown to the facilitator only.")
    higher_is: Literal["better", "worse"] = "better"
    description: str = ""
    bands: tuple[Band, ...] = ()
    scored: bool = Field(
        False, description="Counts in the score's standing part (read with higher_is)."
    )

    @model_validator(mode="after")
    def _in_range(self) -> Meter:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min:g}) must be below max ({self.max:g})")
        if not self.min <= self.initial <= self.max:
            raise ValueError(
                f"initial value {self.initial:g} is outside the range {self.min:g}..{self.max:g}"
            )
        uppers = [b.upto for b in self.bands]
        if uppers != sorted(uppers):
            raise ValueError("bands must be listed from lowest to highest 'upto'")
        return self


class Flag(Strict):
    """A yes/no fact the scenario tracks (all flags start false unless set)."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    description: str = ""
    initial: bool = False


class Delay(Strict):
    """A range of turns, inclusive."""

    min: Annotated[int, Field(ge=0, le=50)] = 0
    max: Annotated[int, Field(ge=0, le=50)] = 0

    @model_validator(mode="after")
    def _ordered(self) -> Delay:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) must not exceed max ({self.max})")
        return self


class ChannelSignals(Strict):
    """What a refusal or an answer says on one channel (or level); unset texts fall back."""

    answered: str | None = None
    ringing: str | None = None
    declined: str | None = None
    unanswered: str | None = None


class Channel(Strict):
    """A way to reach the counterpart; its status is game state."""

    id: Ident
    label: Text
    level: ChannelLevel
    initial: ChannelStatus = "open"
    description: str = ""
    delay: Delay | None = Field(
        None, description="Consultation delay for this channel; defaults to the counterpart's."
    )
    acceptance: float = Field(
        0.0, ge=-1.0, le=1.0, description="Added to the counterpart's acceptance chance."
    )
    answer_effects: tuple[Expr, ...] = Field(
        (), description="Effects applied whenever a call on this channel is answered."
    )
    authority: AuthorityLevel | Literal["none"] | None = Field(
        None,
        description=(
            "Which decision of the counterpart's leadership a call here needs: political, "
            "military or working ('none': nobody's). Default by level: military->military, "
            "political->political, diplomatic->working, third_party and public->none."
        ),
    )
    substance: float | None = Field(
        None, ge=0.0, le=1.0,
        description=(
            "How much an answered call here counts as real contact in the score (0-1). "
            "Default by level: military and political 1, diplomatic 0.4, third_party 0.3, "
            "public 0."
        ),
    )
    signals: ChannelSignals | None = Field(
        None, description="What an answer, refusal or silence says on this channel."
    )

    @property
    def authority_level(self) -> str | None:
        """The leadership decision this channel needs (None: no gate)."""
        if self.authority == "none":
            return None
        return self.authority or DEFAULT_AUTHORITY[self.level]

    @property
    def contact_weight(self) -> float:
        """How much an answered call here counts as real contact (0-1)."""
        return DEFAULT_SUBSTANCE[self.level] if self.substance is None else self.substance


class Modifier(Strict):
    """Changes the counterpart's acceptance chance while a condition holds."""

    when: Expr = "true"
    subject: CallSubject | None = Field(
        None, description="Applies only to calls whose option has this subject."
    )
    delta: float = Field(ge=-1.0, le=1.0)
    reason: Text


class Precondition(Strict):
    """A hard gate: calls on the channel are declined while `requires` is false."""

    channel: Ident
    requires: Expr
    reason: Text


class Signals(Strict):
    """What the counterpart's answer, refusal or silence says, in words."""

    answered: str = "The counterpart comes on the line."
    ringing: str = "The request has been received; the counterpart is consulting."
    declined: str = "The counterpart declines the call."
    unanswered: str = "No answer."


class LevelAuthority(Strict):
    """Whether the counterpart's leadership lets one level of its system talk, at the start."""

    initial: Literal["authorised", "withheld"] = "authorised"
    why: Text = Field(
        "The leadership has not decided to allow contact at this level.",
        description="Why contact is withheld, in words (the debrief quotes it).",
    )


class LeadershipEvent(Strict):
    """A decision of the counterpart's leadership, taken once when its condition first holds."""

    id: Ident | None = None
    when: Expr = Field(
        description="The scenario event it answers: a leaders' call, political contact, a "
        "price paid, time (visited.<node>, turn)."
    )
    authorise: tuple[AuthorityLevel, ...] = ()
    withhold: tuple[AuthorityLevel, ...] = ()
    text: Text = Field(description="What the leadership decided, in words.")

    @model_validator(mode="after")
    def _changes_something(self) -> LeadershipEvent:
        if not self.authorise and not self.withhold:
            raise ValueError("a leadership event needs 'authorise' or 'withhold' (or both)")
        both = set(self.authorise) & set(self.withhold)
        if both:
            raise ValueError(f"level(s) {sorted(both)} both authorised and withheld")
        return self


class Leadership(Strict):
    """Per level (political, military, working): has the leadership allowed contact?"""

    political: LevelAuthority = LevelAuthority()
    military: LevelAuthority = LevelAuthority()
    working: LevelAuthority = LevelAuthority()
    events: tuple[LeadershipEvent, ...] = ()


class Price(Strict):
    """A demand the counterpart makes before it will talk (lift sanctions, halt flights...)."""

    id: Ident
    demand: Text = Field(description="The demand in words, as the counterpart puts it.")
    when: Expr | None = Field(
        None, description="The counterpart raises it once this holds; omit: from the start."
    )
    cost: tuple[Expr, ...] = Field((), description="Effects applied when it is paid.")


class Counterpart(Strict):
    """How the other side decides whether to pick up."""

    name: Text
    base_acceptance: Probability = 0.5
    openness_meter: str | None = Field(
        None, description="A meter (0–100) whose distance from 50 shifts acceptance."
    )
    openness_weight: float = Field(0.5, ge=0.0, le=2.0)
    decline_share: Probability = Field(
        0.5, description="Of refused calls, the share declined outright (the rest ring out)."
    )
    recent_turns: Annotated[int, Field(ge=1, le=20)] = 2
    delay: Delay = Delay()
    modifiers: tuple[Modifier, ...] = ()
    preconditions: tuple[Precondition, ...] = ()
    signals: Signals = Signals()
    level_signals: dict[AuthorityLevel, ChannelSignals] = Field(
        default_factory=dict,
        description="What answers and refusals say per leadership level (a channel's own win).",
    )
    leadership: Leadership = Leadership()
    pressure_weight: float = Field(
        0.1, ge=0.0, le=1.0,
        description="Acceptance lost on a level per repeated request refused there.",
    )
    pressure_effects: tuple[Expr, ...] = Field(
        (),
        description="Effects applied each time a repeated request reads as pressure "
        "(e.g. 'openness -= 3': withholding the line is now worth more to the counterpart).",
    )
    prices: tuple[Price, ...] = ()


class CounterpartOverride(Strict):
    """Node-level changes to the counterpart model."""

    base_acceptance: Probability | None = None
    delay: Delay | None = None
    decline_share: Probability | None = None


class Inject(Strict):
    """A message that arrives at a node: intel, press, allies, the counterpart."""

    sender: Text = Field(alias="from")
    kind: InjectKind = "intel"
    channel: Ident | None = None
    text: Text
    to: tuple[Ident, ...] = Field((), description="Roles that receive it; empty means everyone.")
    when: Expr | None = None


class Outcome(Strict):
    """One probabilistic result of an option."""

    id: Ident | None = None
    chance: Probability = 1.0
    when: Expr | None = None
    text: Text
    effects: tuple[Expr, ...] = ()


class Branch(Strict):
    """A conditional jump: the first branch whose condition holds is taken."""

    when: Expr | None = None
    goto: Ident


class Option(Strict):
    """A choice at a decision point."""

    id: Ident
    kind: OptionKind
    label: Text
    description: str = ""
    channel: Ident | None = None
    severity: Severity | None = None
    subject: CallSubject | None = Field(
        None,
        description="What a call is about: operations (one's own near the other's coast), "
        "technical (a narrow request), reassurance.",
    )
    tags: tuple[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], ...] = ()
    available: Expr | None = Field(None, description="Shown only while this holds.")
    effects: tuple[Expr, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    next: Ident | tuple[Branch, ...] = Field(
        description="Node id, 'end', or a list of {when, goto} branches."
    )
    doctrine: str = ""

    @property
    def severity_class(self) -> str:
        return self.severity or DEFAULT_SEVERITY[self.kind]

    @model_validator(mode="after")
    def _channel_for_calls(self) -> Option:
        if vocabulary.option_kind(self.kind).places_call and self.channel is None:
            raise ValueError(f"a '{self.kind}' option needs a 'channel'")
        return self


class Decision(Strict):
    """What the trainee must decide at a node."""

    prompt: Text
    role: Ident | None = Field(None, description="The role that decides; omit for anyone.")
    vote: Literal["majority", "unanimous"] | None = Field(
        None,
        description=(
            "Team decision: every role votes. 'majority': most votes win, a tie goes to the "
            "first role's vote. 'unanimous': all must agree, otherwise the on_timeout option "
            "(or waiting) is taken."
        ),
    )
    time_limit: Annotated[int, Field(ge=10, le=3600)] | None = Field(
        None, description="Seconds to decide; the UI counts down."
    )
    on_timeout: Ident | None = Field(None, description="Option taken when time runs out.")
    options: tuple[Option, ...] = Field(min_length=1)


class Node(Strict):
    """A decision point in the crisis flow."""

    id: Ident
    title: Text
    time: str = Field(description="Scenario clock, ISO format: 2023-02-04T14:39")
    brief: Text
    injects: tuple[Inject, ...] = ()
    decision: Decision
    counterpart: CounterpartOverride | None = None

    @field_validator("time")
    @classmethod
    def _iso_time(cls, value: str) -> str:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"'{value}' is not a date-time; write it like 2023-02-04T14:39"
            ) from None
        return value


class Ending(Strict):
    """A way the crisis ends, chosen by condition."""

    id: Ident
    title: Text
    text: Text
    when: Expr | None = Field(None, description="Omit for the fallback ending.")
    early: bool = Field(False, description="Checked after every turn, not only at 'end'.")
    tone: Literal["good", "mixed", "bad"] = "mixed"
    bonus: float = Field(0, ge=-50, le=50)


class PathStep(Strict):
    """One choice on an expert or historical path."""

    node: Ident
    option: Ident
    reason: Text
    mistake: bool = Field(
        False,
        description="Historical path only: the choice the scenario teaches against. "
        "`hotline check` measures what it costs against the expert's choice there.",
    )


class HistoricalContact(Strict):
    """When the real actors first spoke, for the debrief's time-to-contact comparison."""

    after_hours: float = Field(
        ge=0, le=1_000_000, description="Hours after the first node's time, e.g. 264 for 11 days."
    )
    channel: str = Field("", description="How, in words, e.g. 'Austin–Shoigu call'.")


class HistoricalPath(Strict):
    """What the real actors did, and how it ended."""

    steps: tuple[PathStep, ...] = Field(min_length=1)
    ending: Ident
    outcome: Text
    first_contact: HistoricalContact | None = Field(
        None, description="The first contact at any level (any channel but the press).")
    first_military_contact: HistoricalContact | None = Field(
        None, description="The first senior military contact (defense chiefs, the Chairman, "
        "theater commanders).")


class RatingWhy(Strict):
    """The reason for each rating, in words, as the debrief states it."""

    performed: str | None = None
    some: str | None = None
    major: str | None = None
    unable: str | None = None


class Rating(Strict):
    """HSEEP rating rules: the first condition that holds gives the rating."""

    performed: Expr | None = None
    some: Expr | None = None
    major: Expr | None = None
    why: RatingWhy = RatingWhy()


class Capability(Strict):
    """A capability the exercise evaluates (HSEEP: a core capability such as
    Operational Coordination, Planning, or Public Information and Warning)."""

    id: Ident
    name: Text = Field(description="As the after-action report names it, e.g. "
                       "'Operational Coordination'.")
    description: str = ""


class Objective(Strict):
    """A learning objective, rated P/S/M/U in the debrief."""

    id: Ident
    capability: Ident | None = Field(
        None, description="The id of the capability (under 'capabilities:') it exercises; "
        "the after-action report groups objectives by it.")
    text: Text
    rating: Rating = Rating()


class Role(Strict):
    """A seat at the table."""

    id: Ident
    title: Text
    brief: str = ""


class Weights(Strict):
    """Points for each part of the score; they should add up to 100."""

    peak_escalation: float = Field(30, ge=0, le=100)
    final_escalation: float = Field(10, ge=0, le=100)
    contact: float = Field(10, ge=0, le=100)
    channel_open: float = Field(10, ge=0, le=100)
    no_loss_of_life: float = Field(15, ge=0, le=100)
    standing: float = Field(15, ge=0, le=100)
    time_to_contact: float = Field(10, ge=0, le=100)


class Scoring(Strict):
    """Which meters and flags the score reads."""

    escalation_meter: Ident = "escalation"
    standing_meters: tuple[Ident, ...] = ("standing", "allies")
    loss_of_life_flag: str | None = None
    weights: Weights = Weights()


class Scenario(Strict):
    """A whole crisis scenario, as written in one YAML file."""

    format: Literal[1] = 1
    id: Ident
    title: Text
    version: Annotated[str, Field(min_length=1, max_length=32)]
    summary: Text
    period: Text
    fiction: bool = False
    length_minutes: Annotated[int, Field(ge=5, le=600)] = 45
    sources: tuple[Source, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    objectives: tuple[Objective, ...] = Field(min_length=1)
    roles: tuple[Role, ...] = Field(min_length=1)
    meters: tuple[Meter, ...] = Field(min_length=1)
    flags: tuple[Flag, ...] = ()
    channels: tuple[Channel, ...] = Field(min_length=1)
    counterpart: Counterpart
    start: Ident | None = Field(None, description="First node; defaults to the first listed.")
    nodes: tuple[Node, ...] = Field(min_length=1)
    endings: tuple[Ending, ...] = Field(min_length=1)
    expert: tuple[PathStep, ...] = ()
    historical: HistoricalPath | None = None
    scoring: Scoring = Scoring()


END = "end"
"""The pseudo-node an option's `next` names to finish the session."""
