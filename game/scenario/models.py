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


class Modifier(Strict):
    """Changes the counterpart's acceptance chance while a condition holds."""

    when: Expr
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
    first_contact: HistoricalContact | None = None


class Rating(Strict):
    """HSEEP rating rules: the first condition that holds gives the rating."""

    performed: Expr | None = None
    some: Expr | None = None
    major: Expr | None = None


class Objective(Strict):
    """A learning objective, rated P/S/M/U in the debrief."""

    id: Ident
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
