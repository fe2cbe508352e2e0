"""Engine events as readable lines for the terminal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from game.engine import Event, Session
from game.scenario import CompiledScenario
from game.textsafe import escape

from .common import band, num


class Transcript:
    """Turns engine events into readable lines for the terminal.

    Args:
        scenario: The scenario being played (for labels and briefs).
        out: Where to write.
        show_hidden: Show what only a facilitator should see (hidden meters,
            flags, acceptance chances); off in interactive trainee play.
    """

    def __init__(self, scenario: CompiledScenario, out: TextIO, show_hidden: bool) -> None:
        self.scenario = scenario
        self.out = out
        self.show_hidden = show_hidden
        self._last_call: Event | None = None

    def write(self, line: str = "") -> None:
        """Write one line (control characters in it are shown, never obeyed)."""
        self.out.write(escape(line) + "\n")

    def events(self, events: Iterable[Event]) -> None:
        """Render events in order."""
        for event in events:
            self.event(event)
        self.out.flush()

    def _channel_label(self, channel: str | None) -> str:
        if channel is None:
            return ""
        spec = self.scenario.channels.get(channel)
        return spec.label if spec is not None else channel

    def _meter_visible(self, meter: str) -> bool:
        spec = self.scenario.meters.get(meter)
        return self.show_hidden or spec is None or not spec.hidden

    def event(self, e: Event) -> None:
        """Render one event (some are folded into their neighbours)."""
        kind = e["type"]
        render = getattr(self, f"_on_{kind}", None)
        if render is not None:
            render(e)

    def _on_session_started(self, e: Event) -> None:
        model = self.scenario.model
        self.write(f"Hotline - {model.title} ({e['scenario']} v{e['version']}, "
                   f"hash {e['content_hash']}), seed {e['seed']}")

    def _on_node_entered(self, e: Event) -> None:
        node = self.scenario.nodes.get(e["node"])
        self.write()
        self.write(f"== {e['time'].replace('T', ' ')} | {e['title']} ==")
        if node is not None:
            for line in node.brief.strip().splitlines():
                self.write(line)

    def _on_inject(self, e: Event) -> None:
        via = f" via {self._channel_label(e['channel'])}" if e.get("channel") else ""
        who = "facilitator" if e.get("facilitator") else e["kind"]
        self.write(f"  [{who}] {e['sender']}{via}: {e['text']}")

    def _on_decision(self, e: Event) -> None:
        via = f" via {self._channel_label(e['channel'])}" if e.get("channel") else ""
        flag = " (time ran out)" if e.get("timed_out") else ""
        self.write(f"> Choice: {e['label']} [{e['kind']}{via}] (option '{e['option']}'){flag}")
        if e.get("rationale"):
            self.write(f"    why: {e['rationale']}")

    def _on_meter(self, e: Event) -> None:
        meter = e["meter"]
        if not self._meter_visible(meter):
            return
        spec = self.scenario.meters.get(meter)
        label = spec.label if spec is not None else meter
        hidden = " (hidden)" if spec is not None and spec.hidden else ""
        cause = e.get("cause") or {}
        why = cause.get("text") or cause.get("ref") or ""
        rule = cause.get("rule")
        because = f"  <- {why}" + (f" ({rule})" if rule else "") if why or rule else ""
        delta = e["delta"]
        sign = "+" if delta > 0 else ""
        self.write(f"  {label}{hidden}: {num(e['before'])} -> {num(e['after'])} "
                   f"({sign}{num(delta)}){because}")

    def _on_flag(self, e: Event) -> None:
        if self.show_hidden:
            state = "set" if e["value"] else "cleared"
            self.write(f"  flag {e['flag']} {state}  <- {e['cause'].get('text', '')}")

    def _on_channel(self, e: Event) -> None:
        cause = e.get("cause") or {}
        # Calls and answers are shown by their own events; show effects and facilitator moves.
        if cause.get("type") in ("counterpart", "answer") or (
            cause.get("type") == "option" and not cause.get("rule")
        ):
            return
        self.write(f"  {self._channel_label(e['channel'])}: {e['before']} -> {e['after']}"
                   f"  <- {cause.get('text', '')}")

    def _on_call(self, e: Event) -> None:
        self._last_call = e
        chance = f" (acceptance {e['acceptance']:.0%})" if self.show_hidden else ""
        later = ""
        if e["result"] == "ringing" and self.show_hidden and e.get("delay"):
            later = f"; answer due in {e['delay']} turn(s)"
        self.write(f"  Call on {self._channel_label(e['channel'])}: {e['result'].upper()} - "
                   f"{e['reason']}{chance}{later}")

    def _on_signal(self, e: Event) -> None:
        call = self._last_call
        if call is not None and call["channel"] == e["channel"] and call["reason"] == e["text"]:
            return  # the call line already says it
        self.write(f"  Signal on {self._channel_label(e['channel'])} ({e['status']}): {e['text']}")

    def _on_call_answered_late(self, e: Event) -> None:
        self.write(f"  Late answer on {self._channel_label(e['channel'])} (requested at turn "
                   f"{e['requested_turn'] + 1}): {e['text']}")

    def _on_outcome(self, e: Event) -> None:
        self.write(f"  Outcome: {e['text']}")

    def _on_facilitator(self, e: Event) -> None:
        fields = ", ".join(f"{k}={v}" for k, v in e.items()
                           if k not in ("seq", "turn", "clock", "type", "action") and v)
        self.write(f"  [facilitator] {e['action']}" + (f": {fields}" if fields else ""))

    def _on_ending(self, e: Event) -> None:
        self.write()
        self.write(f"== Ending: {e['title']} ({e['tone']}) ==")
        self.write(e["text"])

    def _on_score(self, e: Event) -> None:
        self.write()
        self.write(f"Score {num(e['total'])}/100 (escalation severity total "
                   f"{num(e['severity_total'])})")
        width = max((len(p["label"]) for p in e["parts"]), default=0)
        for part in e["parts"]:
            self.write(f"  {part['label']:<{width}}  {part['points']:6.1f} / "
                       f"{num(part['max']):>3}  {part['detail']}")
        ratings: dict[str, str | None] = e.get("ratings") or {}
        if ratings:
            from game.engine import RATING_LABELS

            texts = {o.id: o.text for o in self.scenario.model.objectives}
            self.write("Objectives")
            for objective, code in ratings.items():
                label = RATING_LABELS.get(code or "", "not rated")
                self.write(f"  {code or '-'}  {texts.get(objective, objective)} ({label})")

    # -- the decision point ---------------------------------------------

    def status(self, session: Session) -> None:
        """One line with the meters the player may see."""
        parts = []
        for meter_id, value in session.meters.items():
            if not self._meter_visible(meter_id):
                continue
            spec = self.scenario.meters[meter_id]
            label = band(self.scenario, meter_id, value)
            parts.append(f"{spec.label} {num(value)}" + (f" ({label})" if label else ""))
        if parts:
            self.write("  " + " | ".join(parts))

    def options(self, session: Session) -> None:
        """The prompt and the numbered options of the current decision."""
        view = session.current()
        self.write()
        limit = f" (time limit {view.time_limit} s; not enforced here)" if view.time_limit else ""
        self.write(f"{view.prompt}{limit}")
        for i, option in enumerate(view.options, 1):
            channel = f", {option.channel_label}" if option.channel_label else ""
            self.write(f"  {i}) {option.label}  [{option.kind}{channel}]")
            if option.description:
                self.write(f"       {option.description.strip()}")
        self.out.flush()
