"""Who is at the table, and who takes the decisions of a role nobody plays.

A team may play with fewer roles than the scenario has ("2 of 3"). The rule,
the same for hot-seat play, class sessions across desks and the terminal:

* a decision that belongs to a role not at the table is taken by the first
  role at the table — the team lead, since scenarios list their roles in
  order of responsibility (the Chairman before the Secretary's office, the
  crisis lead before the desks);
* whoever takes such a decision also reads the messages that came with it for
  the absent role (the messages of that decision point addressed to it), so
  it decides on what the absent role would have known there; messages to an
  absent role at other decision points reach nobody;
* a team vote is cast by the roles at the table only (the engine's tally).

:class:`Table` answers these questions and words the explanation trainees see
(the app's team banner, hand-over cover and setup screen; the terminal's
transcript and seats). Nothing here changes the engine: the session's
``roles`` are what the journal already records. Never imports PySide6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game.engine import Session
from game.engine.describe import addressed_to
from game.engine.events import InjectShown
from game.scenario import CompiledScenario

__all__ = ["Table"]


def _join(words: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class Table:
    """The roles at a session's table and the scenario they play.

    Attributes:
        scenario: The scenario.
        roles: The roles at the table, team lead first (empty: every role).
    """

    scenario: CompiledScenario
    roles: tuple[str, ...] = ()

    @classmethod
    def of(cls, session: Session) -> Table:
        return cls(session.scenario, tuple(session.roles))

    # -- who is there ------------------------------------------------------------
    @property
    def seated(self) -> tuple[str, ...]:
        """The roles at the table (every role when the session names none)."""
        return self.roles or tuple(r.id for r in self.scenario.model.roles)

    @property
    def absent(self) -> tuple[str, ...]:
        """The scenario's roles nobody plays, in the scenario's order."""
        seated = set(self.seated)
        return tuple(r.id for r in self.scenario.model.roles if r.id not in seated)

    @property
    def lead(self) -> str | None:
        """The first role at the table: it takes the absent roles' decisions."""
        return self.seated[0] if self.seated else None

    def title(self, role: str | None) -> str:
        return next((r.title for r in self.scenario.model.roles if r.id == role), role or "")

    # -- whose decision -------------------------------------------------------------
    def _team_vote(self, node: str) -> bool:
        return bool(self.scenario.nodes[node].decision.vote) and len(self.seated) > 1

    def owner(self, node: str) -> str | None:
        """The role the scenario gives the decision at ``node`` (None: a team vote, or nobody's)."""
        if self._team_vote(node):
            return None
        return self.scenario.nodes[node].decision.role

    def decider(self, node: str) -> str | None:
        """Who takes the decision at ``node`` at this table (None: a team vote, or anyone)."""
        owner = self.owner(node)
        if owner is None:
            return None
        return owner if owner in self.seated else self.lead

    def stands_in_for(self, node: str) -> str | None:
        """The absent role whose decision at ``node`` the lead takes (None: nobody's absent)."""
        owner = self.owner(node)
        return owner if owner is not None and owner not in self.seated else None

    def decisions_of(self, role: str) -> list[str]:
        """The nodes whose decision is ``role``'s, in file order."""
        return [n.id for n in self.scenario.model.nodes if self.owner(n.id) == role]

    # -- what they read --------------------------------------------------------------
    def reaches(self, event: InjectShown, viewers: Sequence[str]) -> bool:
        """Whether a message is on the screen of ``viewers`` (empty: everyone's).

        A message for the role at the keyboard (or for everyone) is; so is a
        message that came, at a decision point the lead takes for an absent
        role, for that absent role — when the lead is among the viewers.
        """
        if addressed_to(event, viewers):
            return True
        if event.node not in self.scenario.nodes:
            return False
        absent = self.stands_in_for(event.node)
        return absent is not None and absent in event.to and self.decider(event.node) in viewers

    # -- in words ------------------------------------------------------------------------
    def note(self, node: str) -> str:
        """Why the lead takes this decision (empty when its own role is at the table)."""
        absent = self.stands_in_for(node)
        lead = self.lead
        if absent is None or lead is None:
            return ""
        if len(self.seated) == 1:
            return (f"Nobody plays the {self.title(absent)}, so this decision is yours, with the "
                    f"messages it brings for the {self.title(absent)}.")
        return (f"The {self.title(absent)} is not at the table, so the {self.title(lead)} "
                f"takes this decision: a role nobody plays falls to the first role at the "
                f"table, the team lead. The messages it brings for the {self.title(absent)} "
                f"are shown to the {self.title(lead)}.")

    def short_note(self, node: str) -> str:
        """:meth:`note` in one line, for a banner."""
        absent = self.stands_in_for(node)
        lead = self.lead
        if absent is None or lead is None:
            return ""
        return (f"Standing in: the {self.title(absent)} is not at the table, so the first role "
                f"at the table, the {self.title(lead)}, decides and reads its messages here.")

    def summary(self) -> list[str]:
        """Who is at the table and, for each absent role, who takes its decisions and why."""
        if not self.absent or len(self.seated) < 2:
            return []
        lead = self.title(self.lead)
        lines = ["At the table: " + _join([self.title(r) for r in self.seated]) + "."]
        for role in self.absent:
            nodes = self.decisions_of(role)
            name = self.title(role)
            if nodes:
                titles = "; ".join(self.scenario.nodes[n].title for n in nodes)
                count = f"{len(nodes)} decision{'s' if len(nodes) > 1 else ''}"
                lines.append(
                    f"Not at the table: the {name}. Its {count} ({titles}) fall to the {lead}, "
                    "the first role at the table, who leads the team and reads the messages "
                    f"that come with them for the {name}.")
            else:
                lines.append(f"Not at the table: the {name}, which has no decision of its own.")
        if any(self._team_vote(n.id) for n in self.scenario.model.nodes):
            lines.append("Team votes are cast by the roles at the table only (in a majority "
                         f"vote a tie goes to the {lead}).")
        return lines
