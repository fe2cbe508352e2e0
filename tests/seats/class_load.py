"""Many class sessions at once: every seat a thread with its own connections, playing by policy.

Used by ``test_class_load.py`` (a bounded-time test) and ``bench/class_seats.py``
(the wall time of the 30-seat run). Each seat joins with the session's code
on its own :class:`Journal` (two connections on PostgreSQL: one for reads and
writes, one LISTENing), exactly as a seat on another machine would, and
plays through :class:`SeatDriver`. Nothing is shared between seats but the
store.
"""

from __future__ import annotations

import random
import threading
import time
import traceback
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from game.analysis import get_policy
from game.records import Journal
from game.scenario import CompiledScenario
from game.scenario.loader import load_scenario
from game.sessions import ClassSession, SeatTurn
from game.sessions.seat_driver import SeatDriver, SeatStats


class _Quiet:
    """A seat's events, kept only as counts (the run is about the store)."""

    def __init__(self) -> None:
        self.losses = 0
        self.reconnections = 0
        self.refusals: list[str] = []

    def news(self, items: object) -> None:
        pass

    def acted(self, result: object, what: str) -> None:
        pass

    def voted(self, option: str, label: str) -> None:
        pass

    def turn(self, turn: SeatTurn) -> None:
        pass

    def refused(self, message: str) -> None:
        self.refusals.append(message)

    def lost(self, message: str) -> None:
        self.losses += 1

    def reconnected(self, message: str) -> None:
        self.reconnections += 1


@dataclass
class SeatRun:
    """One seat's run."""

    session_id: str
    role: str
    ended: bool = False
    stats: SeatStats | None = None
    events_json: str = ""
    error: str = ""


@dataclass
class ClassRun:
    """The whole run: sessions, seats, time."""

    store: str
    sessions: dict[str, str] = field(default_factory=dict)  # id -> join code
    seats: list[SeatRun] = field(default_factory=list)
    wall_s: float = 0.0
    stuck: list[str] = field(default_factory=list)  # seats still running at the bound

    @property
    def errors(self) -> list[str]:
        return [f"{s.session_id}/{s.role}: {s.error}" for s in self.seats if s.error]


def run_class(store: str, scenario: CompiledScenario | str | Path, *, sessions: int = 10,
              roles: list[str] | None = None, policy: str = "random", seed: int = 1,
              time_bound: float = 240.0) -> ClassRun:
    """Create ``sessions`` class sessions and play each with one thread per role.

    Args:
        store: The shared store (a PostgreSQL URL, or a SQLite path).
        scenario: The scenario (or its file).
        sessions: How many sessions run at once.
        roles: The roles at each table (default: all the scenario's).
        policy: How every seat decides and votes (each seat has its own stream).
        seed: The first session's seed (the others count up).
        time_bound: Seconds after which seats are told to stop (a deadlock
            shows as seats in :attr:`ClassRun.stuck`).
    """
    compiled = scenario if isinstance(scenario, CompiledScenario) else load_scenario(scenario)
    table = roles or [r.id for r in compiled.model.roles]
    run = ClassRun(store)
    with Journal(store) as journal:
        for n in range(sessions):
            sid, code = ClassSession.create(journal, compiled, roles=table, seed=seed + n)
            run.sessions[sid] = code
    deadline = time.monotonic() + time_bound
    stop = threading.Event()

    def seat(result: SeatRun, code: str, barrier: threading.Barrier) -> None:
        chooser = get_policy(policy)
        rng = random.Random(f"{result.session_id}:{result.role}:{zlib.crc32(code.encode())}")
        try:
            with Journal(store) as journal:
                desk = ClassSession.join(journal, code, role=result.role,
                                         seat=f"{result.role}-thread")
                barrier.wait(timeout=60)  # every seat joined: now they all play at once
                with desk.recorded:
                    driver = SeatDriver(
                        desk, lambda d, _t: (chooser(d.session, rng), ""), _Quiet(),
                        stop=lambda: stop.is_set() or time.monotonic() > deadline)
                    result.ended = driver.run()
                    result.stats = driver.stats
                    result.events_json = desk.session.events_json()
        except Exception as exc:  # noqa: BLE001 - reported by the run, not lost in a thread
            result.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"

    threads: list[threading.Thread] = []
    barrier = threading.Barrier(len(run.sessions) * len(table))
    for sid, code in run.sessions.items():
        for role in table:
            result = SeatRun(sid, role)
            run.seats.append(result)
            threads.append(threading.Thread(target=seat, args=(result, code, barrier),
                                            name=f"seat-{role}-{sid}", daemon=True))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 30)
    run.wall_s = time.perf_counter() - started
    stop.set()
    run.stuck = [t.name for t in threads if t.is_alive()]
    return run
