"""The batch kernel: a scenario compiled for playing many games fast.

The engine (:class:`game.engine.Session`) is the reference for live play and
for recording: it validates every input, keeps typed events, attaches to the
flow machine. Batch play needs none of that, only the outcome of each game:
ending, score, meters and ratings. The kernel gives exactly those, for the
same seed and the same policy, at a fraction of the cost.

How it stays equal to the engine, by construction rather than by hope:

* **The same rules.** Conditions, effect right-hand sides, rating rules,
  outcome and branch guards are the very closures :mod:`game.scenario.compile`
  built, except that the commonest shapes of condition (a name, ``not`` a
  name, a meter against a number) the kernel reads with the same expression
  as the name's reader, typed for its state (:func:`_test_of`;
  ``tests/analysis/test_kernel_conditions.py`` compares the two on real
  games); the kernel's state (:class:`KernelState`) has the attributes they read
  (``meters``, ``flags``, ``leadership``, ``asked`` …), named and shaped as the
  engine's session has them (``session._STATE``). Leadership events are taken
  by :func:`game.engine.leadership.take` itself; score parts and ratings of a
  finished game are :mod:`game.engine.scoring` applied to the kernel's state.
* **The same dice, in the same order.** The session stream is
  ``random.Random(seed)`` and the policy's is
  :func:`game.analysis.batch.policy_rng`; a call draws accept, refuse and the
  delay whichever gate decides, an option with outcomes draws one number, a
  random pick is ``Random.choice``'s ``_randbelow`` (written out: one
  ``getrandbits`` of the width's bit length, again while too large).
* **The same order of play**: effects, the call (asked, requested, pressure,
  gates, settle, pressure effects, answer or signal), the outcome draw, the
  turn count, early endings, the branches, then entering the next node
  (leadership and prices, answers due, leadership again) or the ending (the
  leadership once more, then the score).
* **The same arithmetic.** Meter clamping, the acceptance sum and the score's
  parts add the same floats in the same order (``a - b`` is ``a + (-b)`` in
  IEEE arithmetic, so ``-=`` constants are stored negated; ``max(lo, v)`` is
  written as the comparison ``max`` makes).

``tests/analysis/test_kernel_equivalence.py`` checks all of it with hypothesis
over every shipped scenario, many seeds and every policy, against the engine:
ending, score and its parts, meters, peaks, flags, channels, the leadership
state, prices, pressure, ratings and the path.

What it leaves out: events (the engine records them), facilitator inputs
(what-ifs replay a recorded prefix in the engine and continue here from its
state, :meth:`Kernel.state_from_session`), injects (they change nothing but
what is shown), the lifecycle phase.

Speed comes from doing less: every option is a precompiled record (its
effects as small tuples, its call's constant part of the acceptance worked
out per node), the state is flat dicts reused from game to game, nothing is
validated or recorded, scores are summed without building their parts, and
the random generators are reseeded in place. ``hotline kernel build`` compiles
this very file with mypyc (:mod:`game.analysis.native`), which roughly halves
the time again: hence the precise types on hot attributes. A batch run (simulate's runner)
also skips the check of the prices and the leadership after the last turn
(``KernelState.final_check``): it changes nothing a tally or the score reads.
"""

from __future__ import annotations

import _random
import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from game.engine import leadership as leadership_rules
from game.engine import scoring
from game.engine.session import Outcome, Session, Snapshot, _Pending
from game.scenario.compile import (
    CompiledEnding,
    CompiledLeadershipEvent,
    CompiledOption,
    CompiledPrice,
    CompiledScenario,
)
from game.scenario.expr import Effect, parse_expression
from game.scenario.models import AUTHORITY_LEVELS, CHANNEL_STATUSES, END
from game.scenario.names import Compiled, family_of
from game.scenario.syntax import Compare, Expr, Logic, Not, Num, Ref, walk
from game.vocabulary import OPTION_KINDS, prudence_order

from .errors import PolicyError, SimulationError

__all__ = [
    "KNode",
    "KOption",
    "Kernel",
    "KernelPolicy",
    "KernelState",
    "kernel_for",
    "make_policy",
    "play_games",
]

# The C seeding of Mersenne Twister (_random.Random.seed), without
# random.Random.seed's Python checks: for an int the wrapper passes it straight
# on, and a string it turns into the int _policy_key computes. Reseeding one
# generator in place costs less than making a new one.
_seed_generator = _random.Random.seed

_CALL_KINDS = frozenset(k.id for k in OPTION_KINDS.values() if k.places_call)
_REFUSED = ("declined", "unanswered")
_GIVEN = ("answered", "declined", "unanswered")  # what a facilitator may force

# Effects are 5-tuples (code, name, amount, lo, hi), unpacked in one go. The hot
# loop tests the codes as literals, the commonest first (a global costs a
# lookup): 0-5 change a meter clamped to lo..hi, 6-8 the rest.
_UP = 0       # meter += a number >= 0, or -= a number <= 0 (amount: what is added)
_DOWN = 1     # meter += a number < 0, or -= a number > 0
_SET = 2      # meter = a number
_PLUS = 3     # meter += an expression (amount: its closure)
_MINUS = 4    # meter -= an expression
_ASSIGN = 5   # meter = an expression
_FLAG = 6     # flags.<name> = amount (a bool)
_CHANNEL = 7  # channels.<name> = amount (a status)
_PRICE = 8    # prices.<name> = amount (a status); lo: the price's cost, as effects
_EXPR_CODES = {"+=": _PLUS, "-=": _MINUS, "=": _ASSIGN}

EffectCode = tuple[int, str, Any, Any, Any]
Program = tuple[EffectCode, ...]


try:  # the hash random.Random.seed itself uses for a string (cheaper than OpenSSL's)
    from _sha512 import sha512 as _sha512  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import sha512 as _sha512


_POLICY_KEYS: dict[int, int] = {}  # a balance run's policies share their games' seeds


def string_key(text: str) -> int:
    """What ``random.Random(text)`` (or ``.seed(text)``) seeds Mersenne Twister with
    (random.Random.seed, version 2, for a string): give it to ``_seed_generator``."""
    data = text.encode()
    return int.from_bytes(data + _sha512(data).digest())


def _policy_key(seed: int) -> int:
    """What ``random.Random(f"hotline-policy:{seed}")`` seeds Mersenne Twister with."""
    key = _POLICY_KEYS.get(seed)
    if key is None:
        key = string_key(f"hotline-policy:{seed}")
        if len(_POLICY_KEYS) >= 250_000:
            _POLICY_KEYS.clear()
        _POLICY_KEYS[seed] = key
    return key


def _reads(text: str) -> frozenset[tuple[str, ...]] | None:
    """What a condition reads, as the resources a turn's writes are matched with
    (None: it reads the time, or a name this analysis does not know, so it is
    tested after every turn)."""
    found: set[tuple[str, ...]] = set()
    for node in walk(parse_expression(text)):
        if not isinstance(node, Ref):
            continue
        parts = node.parts
        family = family_of(parts)
        head = family.head if family is not None else None
        if head == "":
            found.add(("meter", parts[0]))
        elif head == "peak":
            found.add(("meter", parts[1]))
        elif head == "flags":
            found.add(("flag", parts[1]))
        elif head == "channels":
            found.add(("channel", parts[1]))
        elif head == "contact":
            found.add(("contact",))
        elif head in ("asked", "asked_at"):
            found.add(("asked",))
        elif head in ("visited", "leadership", "pressure"):
            found.add((str(head), parts[1]))
        elif head == "prices":
            found.add(("price", parts[1]))
        else:  # turn and recent.<tag> (the time), call.<status>, or a family added since
            return None
    return frozenset(found)


def _grouped(program: Program) -> tuple[tuple[tuple[str, float, float], ...],
                                        tuple[tuple[str, float, float], ...], Program]:
    """An option's effects as (ups, downs, the rest) when the order they are applied
    in cannot matter — numbers added to different meters, flags and channels set —
    so the commonest effects run without the general loop's dispatch; otherwise
    ((), (), the program) in its order."""
    meters = [name for code, name, _a, _lo, _hi in program if code <= _ASSIGN]
    if (len(set(meters)) != len(meters)
            or any(code not in (_UP, _DOWN, _FLAG, _CHANNEL) for code, *_rest in program)):
        return (), (), program
    ups = tuple((name, amount, hi) for code, name, amount, _lo, hi in program if code == _UP)
    downs = tuple((name, amount, lo) for code, name, amount, lo, _hi in program
                  if code == _DOWN)
    return ups, downs, tuple(e for e in program if e[0] in (_FLAG, _CHANNEL))


class _CallStatus:
    """A stand-in for the state with nothing but a call's status in it."""

    __slots__ = ("call_status",)

    def __init__(self, status: str | None) -> None:
        self.call_status = status


class _Unplayed:
    """A stand-in for the state before any tagged option has been played."""

    __slots__ = ("recent", "turn", "recent_turns")

    def __init__(self, recent_turns: int) -> None:
        self.recent: dict[str, int] = {}
        self.turn = 0
        self.recent_turns = recent_turns


def _only_tag(text: str) -> str:
    """The tag when every name a condition reads is ``recent.<that tag>``, else ''."""
    tags = {node.parts[1] if len(node.parts) == 2 and node.parts[0] == "recent" else ""
            for node in walk(parse_expression(text)) if isinstance(node, Ref)}
    return tags.pop() if len(tags) == 1 else ""


# --- conditions the kernel reads itself ---------------------------------------------------
#
# The scenario's conditions are closures game.scenario.names builds; the kernel
# keeps them, but for the commonest shapes (a name, 'not' a name, a meter
# against a number, 'and'/'or' of two such) it reads the state itself
# with the very expression the name's reader has, typed for KernelState: the
# same values, and in a compiled kernel no call into interpreted code. Any
# other shape, or a name family added later, keeps its closure (only slower).
# Only where the kernel itself tests with a KernelState (not the stand-ins
# _outcome_table and _modifiers probe with), and only for truth.

KTest = Callable[["KernelState"], Any]


def _test_of(text: str | None, closure: Compiled | None) -> Compiled | None:
    """``closure``, or the kernel's own reading of ``text`` when it has one."""
    if text is None or closure is None:
        return closure
    try:
        mine = _test(parse_expression(text))
    except ValueError:  # pragma: no cover - the scenario compiled this very text
        return closure
    if mine is None:
        return closure
    reader: Any = mine  # (it reads the kernel's state, the one Reader it is given)
    return reader  # type: ignore[no-any-return]


def _test(node: Expr) -> KTest | None:
    if isinstance(node, Ref):
        return _read(node.parts)
    if isinstance(node, Not):
        inner = _test(node.operand)
        if inner is None:
            return None

        def negated(r: KernelState) -> bool:
            return not inner(r)

        return negated
    if isinstance(node, Logic) and len(node.operands) == 2:
        a, b = _test(node.operands[0]), _test(node.operands[1])
        if a is None or b is None:
            return None
        first, second = a, b
        if node.op == "and":
            def both(r: KernelState) -> Any:
                return first(r) and second(r)

            return both

        def either(r: KernelState) -> Any:
            return first(r) or second(r)

        return either
    if (isinstance(node, Compare) and len(node.ops) == 1 and isinstance(node.left, Ref)
            and isinstance(node.rights[0], Num)):
        parts = node.left.parts
        family = family_of(parts)
        if family is None or family.head != "":
            return None
        return _compared(parts[0], node.ops[0], node.rights[0].value)
    return None


def _compared(meter: str, op: str, limit: float) -> KTest | None:
    """names._compared for a meter (meters are floats); peaks keep their closure."""
    if op == ">=":
        def ge(r: KernelState) -> bool:
            return r.meters[meter] >= limit
        return ge
    if op == ">":
        def gt(r: KernelState) -> bool:
            return r.meters[meter] > limit
        return gt
    if op == "<=":
        def le(r: KernelState) -> bool:
            return r.meters[meter] <= limit
        return le
    if op == "<":
        def lt(r: KernelState) -> bool:
            return r.meters[meter] < limit
        return lt
    return None


def _read(parts: tuple[str, ...]) -> KTest | None:
    """The reader of a name (game.scenario.names' _read_*), for a KernelState."""
    family = family_of(parts)
    head = family.head if family is not None else None
    if head == "flags":
        flag = parts[1]

        def flagged(r: KernelState) -> bool:
            return flag in r.flags

        return flagged
    if head == "contact":
        what = parts[1]

        def contacted(r: KernelState) -> bool:
            return what in r.contact

        return contacted
    if head == "visited":
        node = parts[1]

        def been(r: KernelState) -> bool:
            return node in r.visited

        return been
    if head == "leadership":
        level = parts[1]

        def authorised(r: KernelState) -> bool:
            return r.leadership[level]

        return authorised
    if head == "channels":
        channel, status = parts[1], parts[2]

        def channel_is(r: KernelState) -> bool:
            return r.channels[channel] == status

        return channel_is
    if head == "prices":
        price, state = parts[1], parts[2]

        def price_is(r: KernelState) -> bool:
            return r.prices[price] == state

        return price_is
    if head == "call":
        wanted = parts[1]

        def call_is(r: KernelState) -> bool:
            return r.call_status == wanted

        return call_is
    if head == "recent":
        tag = parts[1]

        def lately(r: KernelState) -> bool:
            recent = r.recent
            return tag in recent and r.turn - recent[tag] < r.recent_turns

        return lately
    return None


def _outcome_table(option: Any, outcomes: tuple[tuple[Any, float, Program], ...]
                   ) -> dict[str | None, tuple[tuple[float, Program], ...]] | None:
    """For outcomes whose conditions read nothing but the call's status: for each
    status, the outcomes that can happen and the running total of their chances
    (the same floats Session._draw_outcome adds up). None: read them as they come."""
    for spec in option.outcomes:
        if spec.when is not None:
            for node in walk(parse_expression(spec.when)):
                if isinstance(node, Ref) and node.parts[0] != "call":
                    return None
    table: dict[str | None, tuple[tuple[float, Program], ...]] = {}
    for status in (None, *CHANNEL_STATUSES):
        probe = _CallStatus(status)
        rows: list[tuple[float, Program]] = []
        cumulative = 0.0
        for when, chance, effects in outcomes:
            if when is None or when(probe):
                cumulative += chance
                rows.append((cumulative, effects))
        table[status] = tuple(rows)
    return table


class KernelState:
    """One game's whole state, flat: the attributes the compiled conditions read
    (:class:`game.scenario.names.Reader`), the counterpart's (as
    :mod:`game.engine.leadership` documents them) and the kernel's own.

    One object is reused for every game a kernel plays (:meth:`Kernel.reset`).
    """

    __slots__ = (
        # what conditions read
        "meters", "peaks", "flags", "channels", "contact", "visited", "recent", "turn",
        "call_status", "recent_turns", "leadership", "pressure", "prices", "asked",
        # the counterpart's own
        "leader_why", "fired", "refusals", "decided", "decided_turn", "untaken", "unraised",
        "dirty",
        # the game's
        "seed", "node", "path", "answers", "answered_calls", "first_contact_turn", "pending",
        "forced", "ending", "score",
        # the dice, and who listens
        "rng", "random", "getrandbits", "observer",
        # whether a finished game gets the engine's last check of the prices and
        # the leadership (Kernel.new_state: True)
        "final_check",
    )

    meters: dict[str, float]
    peaks: dict[str, float]
    flags: set[str]
    channels: dict[str, str]
    contact: set[str]
    visited: set[str]
    recent: dict[str, int]
    turn: int
    call_status: str | None
    recent_turns: int
    leadership: dict[str, bool]
    pressure: dict[str, int]
    prices: dict[str, str]
    asked: dict[str, int]
    leader_why: dict[str, str]
    fired: set[int]
    refusals: dict[str, str]
    decided: dict[str, str]
    decided_turn: dict[str, int]
    untaken: list[KEvent]
    unraised: list[KPrice]
    dirty: frozenset[int]
    seed: int
    node: KNode  # (_END_NODE when the game has ended)
    path: list[tuple[str, str]]
    answers: list[tuple[int, str]]
    answered_calls: int
    first_contact_turn: int | None
    pending: list[tuple[str, int, int, str]]
    forced: dict[str, str]
    ending: CompiledEnding | None
    score: float
    rng: random.Random
    random: Callable[[], float]
    getrandbits: Callable[[int], int]
    observer: Any
    final_check: bool


class KPrice:
    """A price of the counterpart, and its place in file order (``key``)."""

    __slots__ = ("id", "when", "key", "compiled", "dirties")

    def __init__(self, compiled: CompiledPrice, key: int) -> None:
        self.id = compiled.id
        self.when = compiled.when
        self.key = key
        self.compiled = compiled
        # the conditions to test again after this price is raised (Kernel._watches)
        self.dirties: frozenset[int] = frozenset()


class KEvent:
    """A leadership event, and its place in file order after the prices (``key``)."""

    __slots__ = ("index", "when", "key", "compiled", "dirties", "levels", "text")

    def __init__(self, compiled: CompiledLeadershipEvent, key: int) -> None:
        self.index = compiled.index
        self.when = compiled.when
        self.key = key
        self.compiled = compiled
        # what leadership.take sets, in its order (levels authorised, then withheld)
        self.levels = (*((level, True) for level in compiled.authorise),
                       *((level, False) for level in compiled.withhold))
        self.text = compiled.text
        # the conditions to test again after this event is taken (Kernel._watches)
        self.dirties: frozenset[int] = frozenset()


class KCall:
    """What a call placed by one option needs, worked out once (per node and channel)."""

    __slots__ = ("channel", "keys", "level", "preconditions", "base", "openness",
                 "openness_weight", "modifiers", "neg_pressure_weight", "delay_min",
                 "delay_width", "delay_bits", "decline_share", "answer_effects")

    def __init__(self, kernel: Kernel, compiled: CompiledOption, channel: str) -> None:
        scenario = kernel.scenario
        spec = scenario.channels[channel]
        node = scenario.nodes[compiled.node]
        profile = scenario.model.counterpart
        override = node.counterpart
        self.channel = channel
        # asked (and contact) are recorded under the channel, its level and 'any';
        # a call on the press is neither
        self.keys = None if spec.level == "public" else (channel, spec.level, "any")
        self.level: str | None = scenario.authority.get(channel)
        self.preconditions = tuple(req for req, _why in scenario.preconditions.get(channel, ()))
        base = profile.base_acceptance
        if override is not None and override.base_acceptance is not None:
            base = override.base_acceptance
        if spec.acceptance:  # counterpart.acceptance adds it only when it is not 0
            base += spec.acceptance
        self.base = base
        self.openness = profile.openness_meter
        self.openness_weight = profile.openness_weight
        subject = compiled.option.subject
        # (condition, delta, tag, value while the tag is unplayed): Kernel._modifiers
        self.modifiers = tuple(row for row, m in zip(kernel.modifier_rows, scenario.modifiers)
                               if m.subject is None or m.subject == subject)
        self.neg_pressure_weight = -profile.pressure_weight
        window = spec.delay
        if window is None:
            window = (override.delay if override is not None and override.delay is not None
                      else profile.delay)
        self.delay_min = window.min
        # randint(min, max) is min + _randbelow(max - min + 1), drawn when max > min
        self.delay_width = window.max - window.min + 1 if window.max > window.min else 0
        self.delay_bits = self.delay_width.bit_length()
        decline = profile.decline_share
        if override is not None and override.decline_share is not None:
            decline = override.decline_share
        self.decline_share = decline
        self.answer_effects = kernel.answer_effects[channel]


class KOption:
    """One option, ready to play."""

    __slots__ = ("compiled", "id", "kind", "key", "available", "severity", "tags", "effects",
                 "call", "outcomes", "branches", "next", "channel", "index", "watch", "wp", "we",
                 "changes", "ups", "downs", "table", "sets", "program")

    def __init__(self, kernel: Kernel, compiled: CompiledOption, index: int) -> None:
        option = compiled.option
        self.compiled = compiled
        self.id = compiled.id
        self.kind = option.kind
        self.index = index  # place among all the scenario's options
        # what the path keeps: this one tuple, every time. (Typed Any because
        # mypyc stores a tuple[str, str] attribute unboxed and builds a new
        # tuple at every read.)
        self.key: Any = (compiled.node, compiled.id)
        self.available = compiled.available
        self.severity = compiled.severity_weight
        self.tags = tuple(option.tags)
        self.effects = kernel.program(compiled.effects)
        self.ups, self.downs, self.effects = _grouped(self.effects)
        # what step() runs: flags and channels that are all the rest of a grouped
        # program, set in order without run() (sets: (is a flag, name, value)),
        # else the program
        sets_only = all(code in (_FLAG, _CHANNEL) for code, *_rest in self.effects)
        self.sets = tuple((code == _FLAG, name, amount)
                          for code, name, amount, _lo, _hi in self.effects) if sets_only else ()
        self.program = () if sets_only else self.effects
        self.channel = option.channel or ""  # '' for options without one
        self.call = (KCall(kernel, compiled, option.channel)
                     if option.kind in _CALL_KINDS and option.channel is not None else None)
        self.outcomes = tuple((o.when, o.chance, kernel.program(o.effects))
                              for o in compiled.outcomes)
        self.table = _outcome_table(option, self.outcomes)
        # destinations become nodes once every node exists (Kernel.__init__)
        self.branches: tuple[tuple[Compiled | None, KNode], ...] = ()
        self.next: KNode | None = None  # the one destination of an unconditional 'next'
        # the prices and leadership events whose conditions this option's turn can
        # change, in file order (Kernel._watches)
        self.watch: frozenset[int] = frozenset()
        self.wp: tuple[KPrice, ...] = ()
        self.we: tuple[KEvent, ...] = ()
        # the containers its turn can change, when it places no call (None: it
        # does, and may change nearly anything); see _try_state
        self.changes: frozenset[str] | None = None


class KNode:
    """One decision point: its options, and what fixed policies choose here."""

    __slots__ = ("id", "options", "n", "bits", "static", "expert", "historical", "prudent",
                 "retry", "kinds")

    def __init__(self, node_id: str, options: tuple[KOption, ...]) -> None:
        self.id = node_id
        self.options = options
        self.n = len(options)
        self.bits = self.n.bit_length()
        # no 'available' condition: every option is always offered
        self.static = all(o.available is None for o in options)
        self.expert: KOption | None = None
        self.historical: KOption | None = None
        self.prudent: tuple[KOption, ...] = ()
        self.retry: tuple[KOption, ...] = ()
        self.kinds: dict[str, tuple[KOption, ...]] = {}


_END_NODE = KNode(END, ())  # where a finished game is


class Kernel:
    """A compiled scenario for batch play (see the module docstring).

    :func:`kernel_for` gives the one kept with a scenario.
    """

    def __init__(self, scenario: CompiledScenario) -> None:

        self.scenario = scenario
        model = scenario.model
        self._meter_bounds = {m.id: (float(m.min), float(m.max)) for m in model.meters}
        self.answer_effects = {c.id: self.program(scenario.answer_effects.get(c.id, ()))
                               for c in model.channels}
        self.pressure_effects = self.program(scenario.pressure_effects)
        self.modifier_rows = self._modifiers()
        self.nodes: dict[str, KNode] = {}
        self.options: list[KOption] = []
        for node_id, compiled in scenario.options.items():
            options = []
            for c in compiled:
                option = KOption(self, c, len(self.options))
                self.options.append(option)
                options.append(option)
            self.nodes[node_id] = KNode(node_id, tuple(options))
        for option in self.options:
            spec = option.compiled.option.next  # (compile makes a branch of each entry)
            texts = [None] if isinstance(spec, str) else [b.when for b in spec]
            option.branches = tuple((_test_of(text, when),
                                     self.nodes[dest] if dest != END else _END_NODE)
                                    for text, (when, dest) in zip(texts,
                                                                  option.compiled.branches))
            if len(option.branches) == 1 and option.branches[0][0] is None:
                option.next = option.branches[0][1]
        rank = {kind: i for i, kind in enumerate(prudence_order())}  # policies.KIND_PREFERENCE
        for node in self.nodes.values():
            by_id = {o.id: o for o in node.options}
            node.expert = by_id.get(scenario.expert.get(node.id, ""))
            node.historical = by_id.get(scenario.historical.get(node.id, ""))
            # prudent_choice is the first of these that is offered
            node.prudent = tuple(sorted(node.options, key=lambda o: (
                rank.get(o.kind, len(rank)), o.severity, o.compiled.index)))
            node.retry = tuple(o for o in node.options
                               if o.kind in ("call", "back_channel") and o.channel
                               and scenario.channels[o.channel].level == "military"
                               and scenario.authority.get(o.channel) is not None)
            kinds: dict[str, list[KOption]] = {}
            for o in node.options:
                kinds.setdefault(o.kind, []).append(o)
            node.kinds = {k: tuple(v) for k, v in kinds.items()}
        self.prices = tuple(KPrice(p, i) for i, p in enumerate(scenario.prices))
        self.events = tuple(KEvent(e, len(self.prices) + i)
                            for i, e in enumerate(scenario.leadership_events))
        counterpart = model.counterpart
        for price, price_spec in zip(self.prices, counterpart.prices):  # (in file order)
            price.when = _test_of(price_spec.when, price.when)
        for event in self.events:
            event.when = _test_of(counterpart.leadership.events[event.index].when,
                                  event.when) or event.when
        self.start = self.nodes[scenario.start]
        self.endings = scenario.endings
        # (condition, ending) in file order: the early ones, and all
        self.early = tuple((_test_of(e.ending.when, e.when) or e.when, e)
                           for e in scenario.endings if e.ending.early and e.when is not None)
        self.final = tuple((_test_of(e.ending.when, e.when), e) for e in scenario.endings)
        self.authority = dict(scenario.authority)
        self.contact_level = {c.id: c.level for c in model.channels}
        self._initial_state()
        self.score_total = self._scorer()
        self._watches()
        self._build()
        self.acyclic = self._acyclic()

    def _modifiers(self) -> tuple[tuple[Compiled, float, str, bool], ...]:
        """The counterpart's modifiers as (condition, delta, tag, value while the tag
        is unplayed). A modifier reading nothing but one ``recent.<tag>`` has, while
        no option with that tag has been played (a tag counts as recent only once
        played), the value it has before any tagged option: the call takes that
        value instead of testing it (tag '': always tested)."""
        scenario, model = self.scenario, self.scenario.model
        texts = [m.when for m in model.counterpart.modifiers]  # (compile keeps them all)
        unplayed: Any = _Unplayed(model.counterpart.recent_turns)  # (a Reader for these)
        rows = []
        for m, text in zip(scenario.modifiers, texts):
            tag = _only_tag(text)
            rows.append((_test_of(text, m.when) or m.when, m.delta, tag,
                         bool(m.when(unplayed)) if tag else False))
        return tuple(rows)

    def _acyclic(self) -> bool:
        """Whether no node can be reached again from itself: then a game enters
        each node at most once and takes one option there (a game ends only by
        taking an option), so its path holds no option twice and the nodes it
        visited are the nodes of its path (batch._run_kernel_games counts so)."""
        done: set[str] = set()
        on_way: set[str] = set()

        def loops(node: KNode) -> bool:
            if node.id in done:
                return False
            if node.id in on_way:
                return True
            on_way.add(node.id)
            for option in node.options:
                for _when, dest in option.branches:
                    if dest is not _END_NODE and loops(dest):
                        return True
            on_way.discard(node.id)
            done.add(node.id)
            return False

        return not any(loops(node) for node in self.nodes.values())

    # --- compiling ----------------------------------------------------------
    def program(self, effects: Iterable[Effect]) -> Program:
        """Effects as uniform 5-tuples the kernel runs without looking anything up."""
        out: list[EffectCode] = []
        for effect in effects:
            if effect.target == "meter":
                lo, hi = self._meter_bounds[effect.name]
                if effect.constant is not None and effect.op in ("+=", "-="):
                    # a - b is a + (-b) in IEEE arithmetic; float(c) is what
                    # meter + c turns an int c into
                    amount = float(effect.constant)
                    amount = amount if effect.op == "+=" else -amount
                    out.append((_UP if amount >= 0 else _DOWN, effect.name, amount, lo, hi))
                elif effect.constant is not None:
                    out.append((_SET, effect.name, float(effect.constant), lo, hi))
                else:
                    out.append((_EXPR_CODES[effect.op], effect.name, effect.value, lo, hi))
            elif effect.target == "flag":
                out.append((_FLAG, effect.name, bool(effect.constant), None, None))
            elif effect.target == "channel":
                out.append((_CHANNEL, effect.name, str(effect.constant), None, None))
            elif effect.target == "price":
                price = next(p for p in self.scenario.prices if p.id == effect.name)
                out.append((_PRICE, effect.name, str(effect.constant),
                            self.program(price.cost), None))
            else:  # pragma: no cover - compile_effect knows no other target
                raise ValueError(f"the kernel cannot run the effect '{effect.source}'")
        return tuple(out)

    def _watches(self) -> None:
        """Which price and leadership-event conditions must be tested when.

        After every turn the engine tests the condition of every price not yet
        raised and of every leadership event not yet taken, in file order. A
        condition that was false and reads nothing that changed since is still
        false, so the kernel tests only:

        * after an option's turn, the conditions reading what the option's
          effects, outcomes, call (its channel, asked, contact, pressure, answer
          and pressure effects, prices paid and their cost) and next node can
          change, and every condition reading the time (``turn``, ``recent``)
          or a name this analysis does not know (``option.wp``, ``option.we``);
        * after a price is raised or an event taken, from there on every later
          one in file order (as the engine's loop goes on), and at the next
          check the conditions reading that price or the levels it touched
          (``dirties``, kept in ``KernelState.dirty``);
        * after answers are delivered on arrival, and at the start, every one.
        """
        model = self.scenario.model
        reads: dict[int, frozenset[tuple[str, ...]] | None] = {}
        for price, spec in zip(self.prices, model.counterpart.prices):
            # a price without 'when' is raised by the first check, which tests all
            reads[price.key] = frozenset() if spec.when is None else _reads(spec.when)
        for event in self.events:
            reads[event.key] = _reads(model.counterpart.leadership.events[event.index].when)
        self.all_keys = frozenset(reads)

        def readers(written: set[tuple[str, ...]]) -> frozenset[int]:
            return frozenset(key for key, read in reads.items()
                             if read is None or read & written)

        # answers delivered on arrival change their channel, contact and what the
        # channel's answer effects write (a withheld level: the channel only)
        self._delivered: dict[str, frozenset[int]] = {}
        for channel, effects in self.answer_effects.items():
            written = {("channel", channel), ("contact",)}
            programs = [effects]
            while programs:
                for code, name, _amount, cost, _hi in programs.pop():
                    written.add(("meter", name) if code <= _ASSIGN else
                                ("flag", name) if code == _FLAG else
                                ("channel", name) if code == _CHANNEL else ("price", name))
                    if code == _PRICE:
                        programs.append(cost)
            self._delivered[channel] = readers(written)
        for price in self.prices:
            price.dirties = readers({("price", price.id)})
        for event in self.events:
            compiled = event.compiled
            event.dirties = readers({("leadership", level)
                                     for level in (*compiled.authorise, *compiled.withhold)})
        for option in self.options:
            writes = self._writes(option)
            if option.call is None:  # (writes has the meters of ups and downs too)
                option.changes = frozenset(
                    {"meter": "meters", "flag": "flags", "channel": "channels",
                     "price": "prices"}[w[0]] for w in writes if w[0] != "visited"
                ) | (frozenset({"recent"}) if option.tags else frozenset())
            keys = readers(set(writes))
            option.watch = keys
            option.wp = tuple(p for p in self.prices if p.key in keys)
            option.we = tuple(e for e in self.events if e.key in keys)

    def _writes(self, option: KOption) -> frozenset[tuple[str, ...]]:
        """What a turn taking ``option`` can change that conditions read (besides
        what answers delivered on arrival and the check itself change)."""
        out: set[tuple[str, ...]] = {("meter", name) for name, _a, _b in (*option.ups,
                                                                           *option.downs)}
        programs = [option.effects, *(effects for _w, _c, effects in option.outcomes)]
        call = option.call
        if call is not None:
            out.update({("channel", call.channel), ("asked",), ("contact",)})
            programs.append(call.answer_effects)
            if call.level is not None:
                out.add(("pressure", call.level))
                programs.append(self.pressure_effects)
        while programs:
            for code, name, _amount, cost, _hi in programs.pop():
                if code <= _ASSIGN:
                    out.add(("meter", name))
                elif code == _FLAG:
                    out.add(("flag", name))
                elif code == _CHANNEL:
                    out.add(("channel", name))
                else:
                    out.add(("price", name))
                    programs.append(cost)
        for _when, dest in option.branches:
            out.add(("visited", dest.id))
        return frozenset(out)

    def _initial_state(self) -> None:
        scenario, model = self.scenario, self.scenario.model
        self._meters0 = {m.id: float(m.initial) for m in model.meters}
        self._flags0 = {f.id for f in model.flags if f.initial}
        self._channels0 = {c.id: c.initial for c in model.channels}
        self._leadership0, self._why0 = leadership_rules.initial(scenario)
        self._no_refusals = dict.fromkeys(AUTHORITY_LEVELS, "")
        self._no_counts = dict.fromkeys(AUTHORITY_LEVELS, 0)
        self._prices0 = {p.id: "none" for p in scenario.prices}
        self._recent_turns = model.counterpart.recent_turns
        self._start: KernelState | None = None  # the state on arrival at the start

    # --- state ----------------------------------------------------------------
    def new_state(self, seed: int = 0) -> KernelState:
        """A state for this kernel's games (reuse it from game to game)."""
        st = KernelState()
        st.rng = random.Random()
        st.random = st.rng.random
        st.getrandbits = st.rng.getrandbits
        st.observer = None
        st.final_check = True
        self.reset(st, seed)
        return st

    def reset(self, st: KernelState, seed: int) -> None:
        """Start a fresh game with ``seed`` in ``st``: the state the engine's
        ``Session(scenario, seed)`` is in before its first decision.

        Arriving at the start node draws no dice, so its check of the prices and
        the leadership ends the same in every game: it is done once and its
        result copied (unless someone is listening to the game: then it is done).
        """
        _seed_generator(st.rng, seed)
        st.seed = seed
        start = self._start
        if start is None or st.observer is not None:
            self._reset_slowly(st)
            if start is None:
                self._start = _copy_state(st, KernelState())
            return
        st.meters = start.meters.copy()
        st.peaks = start.peaks.copy()
        st.flags = start.flags.copy()
        st.channels = start.channels.copy()
        st.contact = start.contact.copy()
        st.visited = start.visited.copy()
        st.recent = {}
        st.turn = 0
        st.call_status = None
        st.recent_turns = start.recent_turns
        st.leadership = start.leadership.copy()
        st.leader_why = start.leader_why.copy()
        st.fired = start.fired.copy()
        st.refusals = start.refusals.copy()
        st.decided = start.decided.copy()
        st.decided_turn = start.decided_turn.copy()
        st.pressure = start.pressure.copy()
        st.prices = start.prices.copy()
        st.unraised = start.unraised  # (lists only ever replaced)
        st.untaken = start.untaken
        st.dirty = start.dirty
        st.asked = {}
        st.answers = []
        st.answered_calls = 0
        st.first_contact_turn = None
        st.pending = []
        st.forced = {}
        st.path = []
        st.node = start.node
        st.ending = None
        st.score = 0.0

    def _reset_slowly(self, st: KernelState) -> None:
        st.meters = self._meters0.copy()
        st.peaks = self._meters0.copy()
        st.flags = self._flags0.copy()
        st.channels = self._channels0.copy()
        st.contact = set()
        st.visited = set()
        st.recent = {}
        st.turn = 0
        st.call_status = None
        st.recent_turns = self._recent_turns
        st.leadership = self._leadership0.copy()
        st.leader_why = self._why0.copy()
        st.fired = set()
        st.refusals = self._no_refusals.copy()
        st.decided = self._no_refusals.copy()
        st.decided_turn = self._no_counts.copy()
        st.pressure = self._no_counts.copy()
        st.prices = self._prices0.copy()
        st.unraised = list(self.prices)
        st.untaken = list(self.events)
        st.dirty = self.all_keys
        st.asked = {}
        st.answers = []
        st.answered_calls = 0
        st.first_contact_turn = None
        st.pending = []
        st.forced = {}
        st.path = []
        st.ending = None
        st.score = 0.0
        self.enter(st, self.start, None)

    def state_from_session(self, session: Session, st: KernelState | None = None
                           ) -> KernelState:
        """The kernel state of an engine session as it is now (dice included), so
        play can go on here from wherever the engine got to (a recorded prefix,
        facilitator inputs and all, for instance)."""
        return self.state_from_snapshot(session.snapshot(), st)

    def state_from_snapshot(self, snapshot: Snapshot, st: KernelState | None = None
                            ) -> KernelState:
        """The kernel state of an engine :class:`~game.engine.session.Snapshot`."""
        if st is None:
            st = self.new_state()
        v = snapshot.values
        st.rng.setstate(snapshot.rng_state)
        st.seed = v["seed"]
        for name in ("meters", "peaks", "flags", "channels", "contact", "visited", "recent",
                     "leadership", "leader_why", "fired", "refusals", "decided",
                     "decided_turn", "pressure", "prices", "asked", "forced"):
            setattr(st, name, v[name].copy())
        st.turn = v["turn"]
        st.call_status = v["call_status"]
        st.recent_turns = self._recent_turns
        untaken = {e.index for e in v["_untaken"]}
        unraised = {p.id for p in v["_unraised"]}
        st.untaken = [e for e in self.events if e.index in untaken]
        st.unraised = [p for p in self.prices if p.id in unraised]
        st.dirty = self.all_keys  # whatever happened in the engine, test everything next
        st.answers = list(v["answers"])
        st.answered_calls = v["answered_calls"]
        st.first_contact_turn = v["first_contact_turn"]
        st.pending = [(p.channel, p.due_turn, p.requested_turn, p.option) for p in v["pending"]]
        st.path = list(v["path"])
        st.ending = None
        st.score = 0.0
        outcome = v["outcome"]
        if outcome is not None or v["node"] == END:
            st.node = _END_NODE
            if outcome is not None:
                st.ending = next(e for e in self.endings if e.ending.id == outcome.ending_id)
                st.score = outcome.score
        else:
            st.node = self.nodes[v["node"]]
        return st

    def snapshot_of(self, st: KernelState) -> Snapshot:
        """The state as an engine :class:`~game.engine.session.Snapshot`
        (``Session.restore`` takes it), so the engine can go on from here."""
        from game.engine.phases import Phase

        ended = st.ending is not None
        severity = {o.key: o.severity for o in self.options}
        nodes = self.scenario.nodes
        clock = nodes[st.path[-1][0] if ended and st.path else
                      st.node.id if not ended else self.scenario.start].time
        values: dict[str, Any] = {
            "seed": st.seed, "meters": st.meters.copy(), "peaks": st.peaks.copy(),
            "flags": st.flags.copy(), "channels": st.channels.copy(),
            "contact": st.contact.copy(), "visited": st.visited.copy(),
            "recent": st.recent.copy(), "turn": st.turn, "call_status": st.call_status,
            "events": [], "inputs": [{"type": "choose", "option": o} for _n, o in st.path],
            "path": list(st.path), "severity_total": sum(severity[k] for k in st.path),
            "answered_calls": st.answered_calls, "first_contact_turn": st.first_contact_turn,
            "pending": [_Pending(c, due, asked, option) for c, due, asked, option in st.pending],
            "forced": st.forced.copy(), "paused_from": Phase.BRIEFING,
            "outcome": self.outcome(st) if ended else None,
            "phase": Phase.ENDED if ended else Phase.CONSEQUENCES if st.turn else Phase.BRIEFING,
            "node": st.node.id, "_shown": (), "_clock": clock,
            "leadership": st.leadership.copy(), "leader_why": st.leader_why.copy(),
            "fired": st.fired.copy(), "refusals": st.refusals.copy(),
            "decided": st.decided.copy(), "decided_turn": st.decided_turn.copy(),
            "pressure": st.pressure.copy(), "prices": st.prices.copy(),
            "asked": st.asked.copy(), "answers": list(st.answers),
            "_unraised": [p.compiled for p in st.unraised],
            "_untaken": [e.compiled for e in st.untaken],
        }
        return Snapshot(st.rng.getstate(), values)

    # --- reading ---------------------------------------------------------------
    def available(self, st: KernelState) -> Sequence[KOption]:
        """The options offered at the current node (none when the game has ended)."""
        node = st.node
        if node.static:
            return node.options
        return [o for o in node.options if o.available is None or o.available(st)]

    def outcome(self, st: KernelState) -> Outcome:
        """The finished game's :class:`~game.engine.session.Outcome`: its score parts
        and ratings are :mod:`game.engine.scoring`'s, read from this state."""
        ending = st.ending
        if ending is None:
            raise ValueError("the game has not ended")
        scenario = self.scenario
        parts = scoring.score_parts(scenario, st, answers=st.answers, turns=st.turn,
                                    ending_bonus=ending.ending.bonus)
        ratings = scoring.rate_objectives(scenario, st)
        return Outcome(ending.ending.id, ending.ending.title, ending.ending.tone,
                       scoring.total(parts), parts, ratings, {})

    # --- playing ---------------------------------------------------------------
    def _build(self) -> None:
        """The functions that play: closures over the tables, in the order
        Session._turn calls their counterparts."""
        take = leadership_rules.take
        authority = self.authority
        contact_level = self.contact_level
        answer_effects = self.answer_effects
        pressure_effects = self.pressure_effects
        final = self.final
        early = self.early
        score = self.score_total
        end_node = _END_NODE
        all_keys = self.all_keys
        no_keys: frozenset[int] = frozenset()
        delivered = self._delivered

        def run(st: KernelState, program: Program) -> None:
            """Apply effects in order (Session._apply_effects and _set_meter).

            A meter becomes float(min(hi, max(lo, value))), as max and min pick:
            lo unless value > lo, then hi unless value < hi. Meters always lie in
            lo..hi, so a number added that is not negative can only pass hi (and
            may raise the peak), one that is negative can only pass lo.
            """
            meters = st.meters
            for code, name, amount, lo, hi in program:
                if code == 0:  # _UP
                    before = meters[name]
                    value = before + amount
                    if value >= hi:
                        value = hi
                    if value != before:
                        meters[name] = value
                        if value > st.peaks[name]:
                            st.peaks[name] = value
                elif code == 1:  # _DOWN
                    before = meters[name]
                    value = before + amount
                    if not value > lo:
                        value = lo
                    if value != before:
                        meters[name] = value
                elif code < 6:  # _SET, _PLUS, _MINUS, _ASSIGN
                    before = meters[name]
                    if code == 2:
                        value = amount
                    elif code == 3:
                        value = float(before + amount(st))
                    elif code == 4:
                        value = float(before - amount(st))
                    else:
                        value = float(amount(st))
                    if value > lo:
                        if value >= hi:
                            value = hi
                    else:
                        value = lo
                    if value != before:
                        meters[name] = value
                        if value > st.peaks[name]:
                            st.peaks[name] = value
                elif code == 6:  # _FLAG
                    if amount:
                        st.flags.add(name)
                    else:
                        st.flags.discard(name)
                elif code == 7:  # _CHANNEL
                    st.channels[name] = amount
                elif st.prices[name] != amount:  # _PRICE, settled
                    st.prices[name] = amount
                    if amount == "paid" and lo:
                        run(st, lo)  # its cost

        def take_event(st: KernelState, event: KEvent) -> None:
            if st.observer is not None:
                st.observer.leadership(st, event.compiled, take(event.compiled, st))
                return
            # leadership.take without the list of changes nobody reads
            st.fired.add(event.index)
            text = event.text
            leadership, why = st.leadership, st.leader_why
            refusals, decided = st.refusals, st.decided
            for level, value in event.levels:
                leadership[level] = value
                why[level] = text
                refusals[level] = ""
                decided[level] = ""

        def check(st: KernelState, prices: Sequence[KPrice], events: Sequence[KEvent]
                  ) -> None:
            """Session._counterpart_update: raise the prices and take the leadership
            events whose condition holds, in file order, testing ``prices`` and
            ``events`` (see Kernel._watches) until one changes something, and every
            later one from there on, as the engine's loop does."""
            dirty = no_keys
            status = st.prices
            for price in prices:
                if status[price.id] == "none" and (price.when is None or price.when(st)):
                    status[price.id] = "demanded"
                    dirty = dirty | price.dirties
                    for later in st.unraised:
                        if (later.key > price.key and status[later.id] == "none"
                                and (later.when is None or later.when(st))):
                            status[later.id] = "demanded"
                            dirty = dirty | later.dirties
                    st.unraised = [p for p in st.unraised if status[p.id] == "none"]
                    events = st.untaken  # every event reads the new demands
                    break
            fired = st.fired
            for event in events:
                if event.index not in fired and event.when(st):
                    take_event(st, event)
                    dirty = dirty | event.dirties
                    for after in st.untaken:
                        if after.key > event.key and after.when(st):
                            take_event(st, after)
                            dirty = dirty | after.dirties
                    st.untaken = [e for e in st.untaken if e.index not in fired]
                    break
            st.dirty = dirty

        def check_dirty(st: KernelState, option: KOption | None) -> None:
            """check() after a turn that follows a change (or at the start)."""
            keys = st.dirty if option is None else st.dirty | option.watch
            if keys is all_keys:
                check(st, st.unraised, st.untaken)
            else:
                check(st, [p for p in st.unraised if p.key in keys],
                      [e for e in st.untaken if e.key in keys])

        def answered(st: KernelState, channel: str, effects: Program) -> None:
            """Session._answered."""
            st.channels[channel] = "answered"
            level = contact_level[channel]
            if level != "public":
                contact = st.contact
                contact.add(channel)
                contact.add(level)
                contact.add("any")
                st.answers.append((st.turn, channel))
                st.answered_calls += 1
                if st.first_contact_turn is None:
                    st.first_contact_turn = st.turn
            if effects:
                run(st, effects)

        def deliver(st: KernelState) -> frozenset[int] | None:
            """Session._deliver_answers: the answers due now. Returns None when none
            was due, else the conditions the engine's check after them (which tests
            everything) could find changed: those reading what the answers changed
            (Kernel._watches), and those the check just before changed (dirty)."""
            turn = st.turn
            due = [p for p in st.pending if p[1] <= turn]
            st.pending = [p for p in st.pending if p[1] > turn]
            if not due:
                return None
            keys = st.dirty
            channels = st.channels
            for channel, _due, _asked, _option in due:
                if channels[channel] != "ringing":
                    continue  # settled meanwhile
                keys = keys | delivered[channel]
                level = authority[channel]
                if level is not None and not st.leadership[level]:
                    channels[channel] = "unanswered"  # withheld while it rang
                    continue
                answered(st, channel, answer_effects[channel])
            return keys

        def check_after(st: KernelState, keys: frozenset[int]) -> None:
            """The engine's check after answers were delivered on arrival."""
            check(st, [p for p in st.unraised if p.key in keys],
                  [e for e in st.untaken if e.key in keys])

        def enter(st: KernelState, node: KNode, option: KOption | None) -> None:
            """Session._enter_node (injects aside); step() has it written out."""
            st.node = node
            st.visited.add(node.id)
            if st.dirty or option is None:
                check_dirty(st, option)
            elif option.watch:
                check(st, option.wp, option.we)
            if st.pending:
                keys = deliver(st)
                if keys is not None:
                    check_after(st, keys)

        def end(st: KernelState, ending: CompiledEnding, option: KOption) -> None:
            """Session._end, with the score's total (its parts on demand: outcome()).

            The last check of the prices and the leadership changes neither the
            score nor anything a batch tally reads (the ending is chosen, the
            meters, answers and path are final): a state whose ``final_check``
            is False skips it, and ends with the counterpart's state as it was
            before that check."""
            st.node = end_node
            if st.final_check:
                if st.dirty:
                    check_dirty(st, option)
                elif option.watch:
                    check(st, option.wp, option.we)
            st.ending = ending
            st.score = score(st, ending.ending.bonus)

        def call(st: KernelState, c: KCall, option_id: str) -> None:
            """Session._call with counterpart.resolve_call and leadership.press/settle."""
            channel = c.channel
            channels = st.channels
            prior = channels[channel]
            asked = st.asked
            if channel not in asked and c.keys is not None:
                turn = st.turn
                for key in c.keys:
                    if key not in asked:
                        asked[key] = turn
            channels[channel] = "requested"
            forced = st.forced.pop(channel, None) if st.forced else None
            level = c.level
            pressed = False
            if level is not None and st.refusals[level]:
                st.pressure[level] += 1  # a repeated request weighs on its own answer
                pressed = True
            # the dice are drawn whichever gate decides
            draw = st.random
            roll_accept = draw()
            roll_refuse = draw()
            delay = c.delay_min
            width = c.delay_width
            if width:
                bits = st.getrandbits
                k = c.delay_bits
                r = bits(k)
                while r >= width:
                    r = bits(k)
                delay += r
            decided = True  # the counterpart's own decision: withheld, standing or roll
            gate = "roll"
            if forced is not None and forced in _GIVEN:
                status, decided, gate = forced, False, "facilitator"
            elif c.preconditions and not _all_hold(c.preconditions, st):
                status, decided, gate = "declined", False, "precondition"
            elif prior == "suspended":
                status, decided, gate = "unanswered", False, "suspended"
            else:
                refused = "declined" if roll_refuse < c.decline_share else "unanswered"
                if level is not None and not st.leadership[level]:
                    status, gate = refused, "withheld"
                elif (level is not None and st.decided[level]
                      and st.turn - st.decided_turn[level] < st.recent_turns):
                    status, gate = st.decided[level], "standing"
                else:
                    # counterpart.acceptance: the same floats added in the same order
                    # (its clamp to 0..1 cannot change whether roll < chance)
                    chance = c.base
                    if c.openness is not None:
                        chance += c.openness_weight * (st.meters[c.openness] - 50.0) / 100.0
                    recent = st.recent
                    for when, delta, tag, unplayed in c.modifiers:
                        if unplayed if tag and tag not in recent else when(st):
                            chance += delta
                    if level is not None and st.pressure[level]:
                        chance += c.neg_pressure_weight * st.pressure[level]
                    if roll_accept < chance:
                        status = "ringing" if delay > 0 else "answered"
                    else:
                        status = refused
            st.call_status = status
            if level is not None:  # leadership.settle
                if status == "answered" or status == "ringing":
                    st.refusals[level] = ""
                else:
                    st.refusals[level] = status
                    if decided:
                        st.decided[level] = status
                        st.decided_turn[level] = st.turn
            if st.observer is not None:
                st.observer.call(st, channel, level, status, gate)
            if pressed and pressure_effects:
                run(st, pressure_effects)
            if status == "answered":
                answered(st, channel, c.answer_effects)
            else:
                channels[channel] = status
                if prior == "suspended" and (status == "declined" or status == "unanswered"):
                    channels[channel] = "suspended"  # a call does not reopen it
                if status == "ringing":
                    st.pending.append((channel, st.turn + delay, st.turn, option_id))

        def step(st: KernelState, option: KOption) -> None:
            """Take ``option`` at the current node and resolve the turn (Session._turn).

            ``call_status`` is None between turns (it is cleared at the end of each),
            so it is not cleared again before the call.
            """
            turn = st.turn
            st.path.append(option.key)
            if option.tags:
                recent = st.recent
                for tag in option.tags:
                    recent[tag] = turn
            if option.ups:  # run()'s _UP, for a program whose order cannot matter
                meters = st.meters
                peaks = st.peaks
                for name, amount, hi in option.ups:
                    before = meters[name]
                    value = before + amount
                    if value >= hi:
                        value = hi
                    if value != before:
                        meters[name] = value
                        if value > peaks[name]:
                            peaks[name] = value
            if option.downs:  # run()'s _DOWN, likewise
                meters = st.meters
                for name, amount, lo in option.downs:
                    before = meters[name]
                    value = before + amount
                    if not value > lo:
                        value = lo
                    if value != before:
                        meters[name] = value
            if option.sets:  # run()'s _FLAG and _CHANNEL, likewise
                for is_flag, name, setting in option.sets:
                    if not is_flag:
                        st.channels[name] = setting
                    elif setting:
                        st.flags.add(name)
                    else:
                        st.flags.discard(name)
            elif option.program:
                run(st, option.program)
            if option.call is not None:
                call(st, option.call, option.id)
            if option.outcomes:
                roll = st.random()
                table = option.table
                if table is not None:
                    for threshold, effects in table[st.call_status]:
                        if roll < threshold:
                            if effects:
                                run(st, effects)
                            break
                else:
                    cumulative = 0.0
                    for when, chance, effects in option.outcomes:
                        if when is None or when(st):
                            cumulative += chance
                            if roll < cumulative:
                                if effects:
                                    run(st, effects)
                                break
            st.turn = turn + 1
            for when, ending in early:
                if when(st):
                    st.call_status = None
                    end(st, ending, option)
                    return
            node = option.next
            if node is None:
                node = st.node  # (compile ends every list with a branch without 'when')
                for when, dest in option.branches:
                    if when is None or when(st):
                        node = dest
                        break
            if node is end_node:
                for when, ending in final:
                    if when is None or when(st):
                        break
                st.call_status = None
                end(st, ending, option)
                return
            st.call_status = None
            # enter(st, node, option), written out
            st.node = node
            st.visited.add(node.id)
            if st.dirty:
                check_dirty(st, option)
            elif option.watch:
                check(st, option.wp, option.we)
            if st.pending:
                keys = deliver(st)
                if keys is not None:
                    check_after(st, keys)

        self.run = run
        self.enter = enter
        self.step = step

    # --- the score --------------------------------------------------------------
    def _scorer(self) -> Callable[[KernelState, float], float]:
        """The score's total without building its parts: scoring.score_parts's
        arithmetic, the same floats added in the same order."""
        scenario = self.scenario
        rules = scenario.model.scoring
        w = rules.weights
        scale, top = scoring.weight_scale(scenario)
        esc = rules.escalation_meter
        spec = scenario.meters[esc]
        start = float(spec.initial)
        room = max(spec.max - start, 1e-9)
        e_min, e_span = spec.min, spec.max - spec.min
        # scale * w * x is (scale * w) * x: the products are the same floats
        k_peak, k_final = scale * w.peak_escalation, scale * w.final_escalation
        k_contact, k_open = scale * w.contact, scale * w.channel_open
        k_life, k_standing = scale * w.no_loss_of_life, scale * w.standing
        k_time = scale * w.time_to_contact
        weights = scoring.contact_weights(scenario)
        flag = rules.loss_of_life_flag
        standing = [(m, scenario.meters[m].min, scenario.meters[m].max - scenario.meters[m].min,
                     scenario.meters[m].higher_is == "worse")
                    for m in scoring._scored_meters(scenario)]  # the very list it scores
        n_standing = len(standing)
        with_ending = bool(top)

        def total(st: KernelState, bonus: float) -> float:
            # max(0.0, x) is x only when x > 0.0, min(1.0, x) x only when x < 1.0:
            # written as those comparisons (no builtin call), the same floats
            rise = st.peaks[esc] - start
            if not rise > 0.0:
                rise = 0.0
            ratio = rise / room
            if not ratio < 1.0:
                ratio = 1.0
            meters = st.meters
            points = k_peak * (1 - ratio)
            points += k_final * (1 - (meters[esc] - e_min) / e_span)
            best = 0.0
            substance = 0.0
            early = 0.0
            answers = st.answers
            if answers:
                span = st.turn if st.turn > 1 else 1
                for turn, channel in answers:
                    weight = weights[channel]
                    substance += weight
                    if weight > best:
                        best = weight
                    soon = weight * (1 - turn / span)
                    if soon > early:
                        early = soon
                if substance > 2.0:
                    substance = 2.0
            points += k_contact * best
            points += k_open * (substance / 2)
            points += 0.0 if flag is not None and flag in st.flags else k_life
            if n_standing:
                summed = 0.0  # sum() of floats: 0 + the first, then each in turn
                for m, low, width, worse in standing:
                    value = (meters[m] - low) / width
                    summed += 1 - value if worse else value
                points += k_standing * (summed / n_standing)
            else:
                points += k_standing * 0.0
            points += k_time * early
            if bonus or with_ending:
                points += bonus
            if not points > 0.0:
                points = 0.0
            elif not points < 100.0:
                points = 100.0
            return round(points, 1)

        return total

    # --- whole games --------------------------------------------------------------
    def play(self, st: KernelState, seed: int, policy: KernelPolicy,
             max_turns: int = 500) -> KernelState:
        """Play one game with ``seed`` to its ending in ``st`` (returned).

        Raises:
            SimulationError: The game had no ending after ``max_turns`` decisions.
        """
        return policy.play(st, seed, max_turns)


def _all_hold(conditions: tuple[Any, ...], st: KernelState) -> bool:
    for condition in conditions:
        if not condition(st):
            return False
    return True


def _too_long(st: KernelState, seed: int, max_turns: int) -> Exception:
    return SimulationError(
        f"the game with seed {seed} had no ending after {max_turns} decisions (now at node "
        f"'{st.node.id}'); check the flow for a loop without an exit")


def _nothing_to_choose() -> Exception:
    return PolicyError("no option is available: the session has ended")


# --------------------------------------------------------------------------
# Policies: the analysis package's, for the kernel's state
# --------------------------------------------------------------------------


class KernelPolicy:
    """A policy the kernel plays: the choices of the engine policy of the same
    name (:mod:`game.analysis.policies`) for the same state and stream."""

    name = "?"
    uses_rng = False

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.rng = random.Random()
        self._bits = self.rng.getrandbits

    def start(self, st: KernelState, seed: int) -> None:
        """A new game: seed the policy's own stream (batch.policy_rng(seed)) if it draws."""
        if self.uses_rng:
            _seed_generator(self.rng, _policy_key(seed))

    def finish(self, st: KernelState) -> None:
        """The game is over (or stopped): leave ``st`` a plain state again."""

    def choose(self, st: KernelState) -> KOption:  # pragma: no cover - overridden
        raise NotImplementedError

    def play(self, st: KernelState, seed: int, max_turns: int = 500) -> KernelState:
        """Play one game with ``seed`` to its ending in ``st``."""
        kernel = self.kernel
        kernel.reset(st, seed)
        self.start(st, seed)
        choose = self.choose
        step = kernel.step
        try:
            while st.ending is None:
                if st.turn >= max_turns:
                    raise _too_long(st, seed, max_turns)
                step(st, choose(st))
        finally:
            self.finish(st)
        return st

    def pick(self, options: Sequence[KOption]) -> KOption:
        """``rng.choice(options)``: options[_randbelow(len(options))]."""
        n = len(options)
        if not n:
            raise _nothing_to_choose()
        k = n.bit_length()
        bits = self._bits
        r = bits(k)
        while r >= n:
            r = bits(k)
        return options[r]


def _offered(st: KernelState) -> Sequence[KOption]:
    node = st.node
    if node.static:
        return node.options
    return [o for o in node.options if o.available is None or o.available(st)]


class RandomPolicy(KernelPolicy):
    """``random``: a uniformly random option."""

    name = "random"
    uses_rng = True

    def choose(self, st: KernelState) -> KOption:
        return self.pick(_offered(st))

    def play(self, st: KernelState, seed: int, max_turns: int = 500) -> KernelState:
        # the loop of KernelPolicy.play with the pick written out
        kernel = self.kernel
        kernel.reset(st, seed)
        _seed_generator(self.rng, _policy_key(seed))
        bits = self._bits
        step = kernel.step
        for _turn in range(max_turns):  # (a game has no ending before its first turn)
            node = st.node
            if node.static:
                n = node.n
                k = node.bits
                r = bits(k)
                while r >= n:
                    r = bits(k)
                step(st, node.options[r])
            else:
                options = [o for o in node.options if o.available is None or o.available(st)]
                n = len(options)
                if not n:
                    raise _nothing_to_choose()
                k = n.bit_length()
                r = bits(k)
                while r >= n:
                    r = bits(k)
                step(st, options[r])
            if st.ending is not None:
                return st
        raise _too_long(st, seed, max_turns)


class PathPolicy(KernelPolicy):
    """``expert`` or ``historical``: the path's option where it is offered, else the
    prudent choice."""

    def __init__(self, kernel: Kernel, which: str) -> None:
        super().__init__(kernel)
        self.name = which
        self.which = which
        # what choose() gives at each node where every option is always offered
        self.fixed: dict[KNode, KOption] = {}
        for node in kernel.nodes.values():
            if node.static and node.n:
                self.fixed[node] = self.choose_at(node)

    def choose_at(self, node: KNode) -> KOption:
        wanted = node.expert if self.which == "expert" else node.historical
        return wanted if wanted is not None else node.prudent[0]

    def play(self, st: KernelState, seed: int, max_turns: int = 500) -> KernelState:
        # KernelPolicy.play with the choice at static nodes looked up
        kernel = self.kernel
        kernel.reset(st, seed)
        fixed = self.fixed.get
        choose = self.choose
        step = kernel.step
        for _turn in range(max_turns):  # (a game has no ending before its first turn)
            option = fixed(st.node)
            step(st, option if option is not None else choose(st))
            if st.ending is not None:
                return st
        raise _too_long(st, seed, max_turns)

    def choose(self, st: KernelState) -> KOption:
        node = st.node
        wanted = node.expert if self.which == "expert" else node.historical
        if node.static:
            if not node.n:
                raise _nothing_to_choose()
            return self.choose_at(node)
        if wanted is not None and (wanted.available is None or wanted.available(st)):
            return wanted
        for option in node.prudent:
            if option.available is None or option.available(st):
                return option
        raise _nothing_to_choose()


class AlwaysPolicy(KernelPolicy):
    """``always-KIND``: a random option of that kind, else a random option."""

    uses_rng = True

    def __init__(self, kernel: Kernel, kind: str) -> None:
        super().__init__(kernel)
        self.kind = kind
        self.name = f"always-{kind}"
        # at each node where every option is always offered: what choose() picks
        # from, how many, and their bit length (pick's _randbelow)
        self.fixed: dict[KNode, tuple[tuple[KOption, ...], int, int]] = {}
        for node in kernel.nodes.values():
            if node.static and node.n:
                options = node.kinds.get(kind) or node.options
                self.fixed[node] = (options, len(options), len(options).bit_length())

    def play(self, st: KernelState, seed: int, max_turns: int = 500) -> KernelState:
        # KernelPolicy.play with the pick written out (RandomPolicy.play's loop)
        kernel = self.kernel
        kernel.reset(st, seed)
        _seed_generator(self.rng, _policy_key(seed))
        fixed = self.fixed.get
        choose = self.choose
        bits = self._bits
        step = kernel.step
        for _turn in range(max_turns):  # (a game has no ending before its first turn)
            table = fixed(st.node)
            if table is None:
                step(st, choose(st))
            else:
                options, n, k = table
                r = bits(k)
                while r >= n:
                    r = bits(k)
                step(st, options[r])
            if st.ending is not None:
                return st
        raise _too_long(st, seed, max_turns)

    def choose(self, st: KernelState) -> KOption:
        node = st.node
        if node.static:
            return self.pick(node.kinds.get(self.kind) or node.options)
        options = _offered(st)
        matching = [o for o in options if o.kind == self.kind]
        return self.pick(matching or options)


class RetryPolicy(KernelPolicy):
    """``retry``: call a refused military line again at every chance, else random."""

    name = "retry"
    uses_rng = True

    def choose(self, st: KernelState) -> KOption:
        options = _offered(st)
        retry = st.node.retry
        if retry:
            channels = st.channels
            again = [o for o in options if o in retry and channels[o.channel] in _REFUSED]
            if again:
                return self.pick(again)
        return self.pick(options)


class _Tape:
    """The session's random stream as 32-bit words, kept so it can be read again.

    The greedy lookahead tries every option from the same moment, and each try
    must see the draws the game itself will see. Mersenne Twister's ``random()``
    is two words (``((a >> 5) * 2**26 + (b >> 6)) / 2**53``) and
    ``getrandbits(k)`` one (``word >> (32 - k)``, 0 < k <= 32), so a try reads
    the stream from the same word on: the words drawn so far are on the tape,
    the next come from the generator, in order (a few at a time: nothing but
    the tape draws from it).
    """

    __slots__ = ("words", "pos", "source")

    def __init__(self) -> None:
        self.words: list[int] = []
        self.pos = 0
        self.source: Callable[[int], int] = random.Random().getrandbits

    def _more(self) -> None:
        source = self.source
        self.words.extend([source(32) for _ in range(16)])

    def random(self) -> float:
        pos = self.pos
        words = self.words
        if pos + 1 >= len(words):
            self._more()
        self.pos = pos + 2
        return ((words[pos] >> 5) * 67108864.0 + (words[pos + 1] >> 6)) * (
            1.0 / 9007199254740992.0)

    def getrandbits(self, k: int) -> int:
        if not 0 < k <= 32:  # pragma: no cover - delays are at most 51 turns wide
            raise ValueError("the tape draws 1 to 32 bits at a time")
        pos = self.pos
        words = self.words
        if pos >= len(words):
            self._more()
        self.pos = pos + 1
        return words[pos] >> (32 - k)


class GreedyPolicy(KernelPolicy):
    """``greedy``: try every option from here and take the best immediate result
    (:class:`game.analysis.policies.GreedyPolicy`: the same values, the same dice)."""

    name = "greedy"

    def __init__(self, kernel: Kernel) -> None:
        super().__init__(kernel)
        self.scratch = kernel.new_state()
        self.spare = kernel.new_state()  # the best try so far is kept in one of the two
        self.tape = _Tape()
        self._value = self._valuer()
        self._live: KernelState | None = None

    def start(self, st: KernelState, seed: int) -> None:
        # The game's dice go through the tape from its first decision on (arriving
        # at the start node draws none).
        tape = self.tape
        tape.words.clear()
        tape.pos = 0
        tape.source = st.rng.getrandbits
        st.random = tape.random
        st.getrandbits = tape.getrandbits
        for scratch in (self.scratch, self.spare):
            scratch.random = tape.random
            scratch.getrandbits = tape.getrandbits

    def finish(self, st: KernelState) -> None:
        st.random = st.rng.random
        st.getrandbits = st.rng.getrandbits

    def _valuer(self) -> Callable[[KernelState], float]:
        scenario = self.kernel.scenario
        rules = scenario.model.scoring
        weights = rules.weights
        esc = rules.escalation_meter
        spec = scenario.meters[esc]
        low, span = spec.min, spec.max - spec.min
        standing = [(m, scenario.meters[m].min, scenario.meters[m].max - scenario.meters[m].min)
                    for m in rules.standing_meters if m in scenario.meters]
        flag = rules.loss_of_life_flag

        w_peak, w_final, w_standing = (weights.peak_escalation, weights.final_escalation,
                                       weights.standing)
        w_contact = weights.contact + weights.channel_open / 2
        w_life = weights.no_loss_of_life
        n_standing = len(standing)

        def value(st: KernelState) -> float:
            """policies.position_value: the same floats in the same order."""
            if st.ending is not None:
                return st.score
            v = w_peak * (1 - (st.peaks[esc] - low) / span)
            v += w_final * (1 - (st.meters[esc] - low) / span)
            if n_standing:
                meters = st.meters
                total = 0.0  # sum() starts from the int 0: 0 + x and 0.0 + x are the same float
                for m, m_low, m_span in standing:
                    total += (meters[m] - m_low) / m_span
                v += w_standing * (total / n_standing)
            if st.contact:
                v += w_contact
            if flag is None or flag not in st.flags:
                v += w_life
            return v

        return value

    def choose_for(self, session: Session) -> str:
        """The option id greedy play takes in an engine session as it is now."""
        st = self.kernel.state_from_session(session, self._live)
        self._live = st
        self.start(st, session.seed)
        try:
            return self.choose(st).id
        finally:
            self.finish(st)

    def choose(self, st: KernelState) -> KOption:
        option, _best, _after = self._look(st)
        return option

    def play(self, st: KernelState, seed: int, max_turns: int = 500) -> KernelState:
        # KernelPolicy.play, but the best try's state becomes the game's: the
        # chosen option is not played a second time
        kernel = self.kernel
        kernel.reset(st, seed)
        self.start(st, seed)
        step = kernel.step
        try:
            while st.ending is None:
                if st.turn >= max_turns:
                    raise _too_long(st, seed, max_turns)
                option, best, after = self._look(st)
                if best is None:
                    step(st, option)
                else:
                    path = st.path
                    _take_state(best, st)
                    st.path = path
                    path.append(option.key)
                    self.tape.pos = after
        finally:
            self.finish(st)
        return st

    def _look(self, st: KernelState) -> tuple[KOption, KernelState | None, int]:
        """The best option (ties go to the first), the state its try left (None
        when there was nothing to try) and where the try left the dice; the tape
        is back where the game is."""
        options = _offered(st)
        if len(options) == 1:
            return options[0], None, 0
        if not options:
            raise _nothing_to_choose()
        tape = self.tape
        here = tape.pos
        step = self.kernel.step
        value = self._value
        light = not st.pending and not st.dirty
        trial, spare = self.scratch, self.spare
        best = options[0]
        best_state = trial
        best_value = float("-inf")
        after = here
        for option in options:
            changes = option.changes
            if light and changes is not None and not option.watch:
                _try_state(st, trial, changes)
            else:
                _copy_state(st, trial)
            tape.pos = here
            step(trial, option)
            v = value(trial)
            if v > best_value:
                best, best_value, best_state, after = option, v, trial, tape.pos
                trial, spare = spare, trial  # keep it; try the next in the other
        tape.pos = here  # the game takes the same dice
        self.scratch, self.spare = trial, spare
        return best, best_state, after


def _copy_state(src: KernelState, dst: KernelState) -> KernelState:
    """Put ``dst`` in the state ``src`` is in (the dice aside), for a try that must
    leave ``src`` alone (returns ``dst``). Lists that are only ever replaced, never
    changed, are shared."""
    dst.meters = src.meters.copy()
    dst.peaks = src.peaks.copy()
    dst.flags = src.flags.copy()
    dst.channels = src.channels.copy()
    dst.contact = src.contact.copy()
    dst.visited = src.visited.copy()
    dst.recent = src.recent.copy()
    dst.turn = src.turn
    dst.call_status = src.call_status
    dst.recent_turns = src.recent_turns
    dst.leadership = src.leadership.copy()
    dst.leader_why = src.leader_why.copy()
    dst.fired = src.fired.copy()
    dst.refusals = src.refusals.copy()
    dst.decided = src.decided.copy()
    dst.decided_turn = src.decided_turn.copy()
    dst.pressure = src.pressure.copy()
    dst.prices = src.prices.copy()
    dst.asked = src.asked.copy()
    dst.untaken = src.untaken
    dst.unraised = src.unraised
    dst.dirty = src.dirty
    dst.seed = src.seed
    dst.node = src.node
    dst.path = []  # a try's path is never read
    dst.answers = src.answers.copy()
    dst.answered_calls = src.answered_calls
    dst.first_contact_turn = src.first_contact_turn
    dst.pending = src.pending.copy()
    dst.forced = src.forced.copy() if src.forced else {}
    dst.ending = src.ending
    dst.score = src.score
    dst.observer = None
    return dst


def _try_state(src: KernelState, dst: KernelState, changes: frozenset[str]) -> None:
    """_copy_state for a try that can change only ``changes`` (and where it has
    been): the other containers are shared with ``src`` (the try leaves them as
    they are: no call, no answer due, no price or leadership condition to test)."""
    dst.meters = src.meters
    dst.peaks = src.peaks
    if "meters" in changes:
        dst.meters = src.meters.copy()
        dst.peaks = src.peaks.copy()
    dst.flags = src.flags.copy() if "flags" in changes else src.flags
    dst.channels = src.channels.copy() if "channels" in changes else src.channels
    dst.prices = src.prices.copy() if "prices" in changes else src.prices
    dst.recent = src.recent.copy() if "recent" in changes else src.recent
    dst.visited = src.visited.copy()
    dst.contact = src.contact
    dst.leadership = src.leadership
    dst.leader_why = src.leader_why
    dst.fired = src.fired
    dst.refusals = src.refusals
    dst.decided = src.decided
    dst.decided_turn = src.decided_turn
    dst.pressure = src.pressure
    dst.asked = src.asked
    dst.answers = src.answers
    dst.pending = src.pending
    dst.forced = src.forced
    dst.untaken = src.untaken
    dst.unraised = src.unraised
    dst.turn = src.turn
    dst.call_status = src.call_status
    dst.recent_turns = src.recent_turns
    dst.dirty = src.dirty
    dst.seed = src.seed
    dst.node = src.node
    dst.path = []
    dst.answered_calls = src.answered_calls
    dst.first_contact_turn = src.first_contact_turn
    dst.ending = src.ending
    dst.score = src.score
    dst.observer = None


def _take_state(src: KernelState, dst: KernelState) -> None:
    """Give ``dst`` the state a try left in ``src`` (its containers, not copies:
    the next try copies from ``dst`` again)."""
    dst.meters = src.meters
    dst.peaks = src.peaks
    dst.flags = src.flags
    dst.channels = src.channels
    dst.contact = src.contact
    dst.visited = src.visited
    dst.recent = src.recent
    dst.leadership = src.leadership
    dst.leader_why = src.leader_why
    dst.fired = src.fired
    dst.refusals = src.refusals
    dst.decided = src.decided
    dst.decided_turn = src.decided_turn
    dst.pressure = src.pressure
    dst.prices = src.prices
    dst.asked = src.asked
    dst.answers = src.answers
    dst.pending = src.pending
    dst.forced = src.forced
    dst.untaken = src.untaken
    dst.unraised = src.unraised
    dst.turn = src.turn
    dst.call_status = src.call_status
    dst.dirty = src.dirty
    dst.node = src.node
    dst.answered_calls = src.answered_calls
    dst.first_contact_turn = src.first_contact_turn
    dst.ending = src.ending
    dst.score = src.score


class Played:
    """What a batch tally keeps of each game of a chunk, in seed order
    (batch._run_kernel_games counts them): filled by :func:`play_games`."""

    __slots__ = ("scores", "peaks", "turns", "endings", "by_ending", "visits")

    def __init__(self) -> None:
        self.scores: list[float] = []
        self.peaks: list[float] = []
        self.turns: list[int] = []
        self.endings: list[str] = []
        self.by_ending: dict[str, list[list[tuple[str, str]]]] = {}  # paths, by ending
        self.visits: list[set[str]] = []  # each game's visited nodes, when asked for


def play_games(policy: KernelPolicy, st: KernelState, seeds: range, max_turns: int,
               meter: str, visits: bool) -> Played:
    """Play a game for each seed in ``st`` and keep its ending, score, the peak of
    ``meter``, its turns, its path (by ending) and, when ``visits``, the nodes
    it visited.

    The loop lives here, not in the tally, so that a compiled kernel runs it
    too. Each game leaves fresh ``path`` and ``visited`` containers
    (Kernel.reset): they are kept as they are, and counted by the tally."""
    out = Played()
    by_ending = out.by_ending
    play = policy.play
    for seed in seeds:
        play(st, seed, max_turns)
        ending = st.ending
        assert ending is not None
        ending_id = ending.ending.id
        out.endings.append(ending_id)
        out.scores.append(st.score)
        out.peaks.append(float(st.peaks[meter]))
        out.turns.append(st.turn)
        group = by_ending.get(ending_id)
        if group is None:
            group = by_ending[ending_id] = []
        group.append(st.path)
        if visits:
            out.visits.append(st.visited)
    return out


def make_policy(kernel: Kernel, name: str) -> KernelPolicy | None:
    """The kernel's policy of this name (as get_policy spells them), or None when
    only the engine plays it."""
    key = name.strip().lower()
    if key == "random":
        return RandomPolicy(kernel)
    if key in ("expert", "historical"):
        return PathPolicy(kernel, key)
    if key == "greedy":
        return GreedyPolicy(kernel)
    if key == "retry":
        return RetryPolicy(kernel)
    if key.startswith("always-"):
        kind = key[len("always-"):].replace("-", "_")
        if kind in OPTION_KINDS:
            return AlwaysPolicy(kernel, kind)
    return None


def kernel_for(scenario: CompiledScenario) -> Kernel:
    """The scenario's kernel, compiled once and kept with it."""
    cached = scenario.runtime.get("kernel")
    if isinstance(cached, Kernel):
        return cached
    kernel = Kernel(scenario)
    scenario.runtime["kernel"] = kernel
    return kernel


# The compiled build of this very text, when one is installed and current
# (game/analysis/native.py): its names replace the ones above, as heapq's are
# replaced by _heapq's. The build itself is a top-level module, so this runs
# only here.
if __name__ == "game.analysis.kernel":
    from .native import load as _load_native

    _native = _load_native()
    if _native is not None:
        globals().update({name: getattr(_native, name) for name in list(globals())
                          if not name.startswith("__") and hasattr(_native, name)})
