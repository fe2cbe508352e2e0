"""The crisis flow machine a live session is attached to.

The **crisis flow** machine (`transitions`) is built once per loaded
scenario: nodes are states, options are triggers, branch conditions are
guards. A live session is attached to it as a model (``add_model``) and its
choices are dispatched through it; batch play walks the same machine's
transition table instead (:func:`flow_table`), which gives the same node for
a fraction of the cost. The two are independent computations of the flow,
and the determinism tests compare them.

Attaching and detaching happen in one place, the recorded-session service
(:mod:`game.sessions`), on the thread that plays; :func:`attached_models`
lets tests check that nothing stays attached. (The session lifecycle is a
plain enum, :mod:`game.engine.phases`.)
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from transitions import Machine

from game.scenario.compile import CompiledScenario
from game.scenario.models import END

# With model_override=True transitions logs every name it chooses not to bind;
# that is expected here, not a problem worth a line per session.
logging.getLogger("transitions").setLevel(logging.ERROR)

# Building a scenario's machine is guarded so two threads (a background
# resume and the GUI) never build two machines for one scenario.
_BUILD_LOCK = threading.Lock()
# Every flow machine built in this process (for attached_models()).
_MACHINES: weakref.WeakSet[Machine] = weakref.WeakSet()


def flow_trigger(node: str, option: str) -> str:
    """The trigger name of an option at a node (option ids repeat across nodes)."""
    return f"{node}:{option}"


def flow_machine(scenario: CompiledScenario) -> Machine:
    """The crisis flow machine of a scenario, built once and cached with it."""
    cached = scenario.runtime.get("flow")
    if isinstance(cached, Machine):
        return cached
    with _BUILD_LOCK:
        cached = scenario.runtime.get("flow")
        if isinstance(cached, Machine):
            return cached
        machine = _build(scenario)
        scenario.runtime["flow_table"] = _table(machine)
        scenario.runtime["flow"] = machine
        _MACHINES.add(machine)
        return machine


def _build(scenario: CompiledScenario) -> Machine:
    states = [*scenario.nodes, END]
    machine = Machine(
        model=None,
        states=states,
        initial=scenario.start,
        auto_transitions=False,
        model_attribute="node",
        model_override=True,
        send_event=False,
        name=f"flow:{scenario.id}",
    )
    for node_id, options in scenario.options.items():
        for option in options:
            for when, dest in option.branches:
                conditions: list[Any] = [] if when is None else [_guard(when)]
                machine.add_transition(
                    flow_trigger(node_id, option.id), node_id, dest, conditions=conditions
                )
    return machine


def attached_models() -> list[Any]:
    """Every model attached to any flow machine in this process (tests, leak checks)."""
    return [model for machine in list(_MACHINES) for model in machine.models]


FlowTable = dict[tuple[str, str], list[tuple[Any, Any]]]


def flow_table(scenario: CompiledScenario) -> FlowTable:
    """The flow machine's transitions as ``(node, trigger) -> [(guard, dest)]``.

    Batch play walks this table instead of dispatching through `transitions`
    (whose per-event bookkeeping costs more than a whole turn of game logic);
    the flow machine stays the one source of the graph.
    """
    flow_machine(scenario)
    table = scenario.runtime["flow_table"]
    assert isinstance(table, dict)
    return table


def _table(machine: Machine) -> FlowTable:
    table: FlowTable = {}
    for name, event in machine.events.items():
        for source, transitions in event.transitions.items():
            table[(source, name)] = [
                (transition.conditions[0].func if transition.conditions else None, transition.dest)
                for transition in transitions
            ]
    return table


def _guard(when: Any) -> Any:
    def guard(session: Any) -> bool:
        return bool(when(session))

    return guard
