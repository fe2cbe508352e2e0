"""The two `transitions` state machines a session is attached to.

* The **lifecycle** machine is fixed and shared by every session in the
  process: ``briefing → deciding → resolving → consequences → deciding … →
  ended``, plus ``paused``.
* The **crisis flow** machine is built once per loaded scenario: nodes are
  states, options are triggers, branch conditions are guards. Sessions are
  attached to it as models (``add_model``); building a machine per game is
  what would make batch play slow.
"""

from __future__ import annotations

import logging
from typing import Any

from transitions import Machine

from game.scenario.compile import CompiledScenario
from game.scenario.models import END

# With model_override=True transitions logs every name it chooses not to bind;
# that is expected here, not a problem worth a line per session.
logging.getLogger("transitions").setLevel(logging.ERROR)

PHASES = ["briefing", "deciding", "resolving", "consequences", "paused", "ended"]

_LIFECYCLE: Machine | None = None


def lifecycle_machine() -> Machine:
    """The process-wide lifecycle machine (created on first use)."""
    global _LIFECYCLE
    if _LIFECYCLE is None:
        machine = Machine(
            model=None,
            states=PHASES,
            initial="briefing",
            auto_transitions=False,
            model_attribute="phase",
            model_override=True,
            send_event=False,
            name="lifecycle",
        )
        machine.add_transition("begin", "briefing", "deciding")
        machine.add_transition("submit", "deciding", "resolving")
        machine.add_transition("resolved", "resolving", "consequences")
        machine.add_transition("proceed", "consequences", "deciding")
        machine.add_transition(
            "finish", ["deciding", "resolving", "consequences", "paused"], "ended"
        )
        machine.add_transition(
            "pause", ["briefing", "deciding", "consequences"], "paused", before="remember_phase"
        )
        for phase in ("briefing", "deciding", "consequences"):
            # A property of the session names the phase the pause interrupted.
            machine.add_transition("resume", "paused", phase, conditions=f"paused_from_{phase}")
        _LIFECYCLE = machine
    return _LIFECYCLE


def flow_trigger(node: str, option: str) -> str:
    """The trigger name of an option at a node (option ids repeat across nodes)."""
    return f"{node}:{option}"


def flow_machine(scenario: CompiledScenario) -> Machine:
    """The crisis flow machine of a scenario, built once and cached with it."""
    cached = scenario.runtime.get("flow")
    if isinstance(cached, Machine):
        return cached
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
    scenario.runtime["flow"] = machine
    scenario.runtime["flow_table"] = _table(machine)
    return machine


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
