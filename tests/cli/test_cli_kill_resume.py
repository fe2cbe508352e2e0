"""A real interactive session killed with SIGKILL mid-game, then resumed.

The player answers on stdin of a ``python -m game play`` process. Once the
program has acknowledged a choice (it shows the next decision), the process is
killed with SIGKILL; ``hotline resume`` must replay every answered input and
carry on from the decision the player was looking at.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from game.records import Journal

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "Your choice ["


class Reader:
    """Collects a process's stdout in a thread so we can wait for prompts."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.data = b""
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        assert self.proc.stdout is not None
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                return
            with self.lock:
                self.data += chunk

    @property
    def text(self) -> str:
        with self.lock:
            return self.data.decode("utf-8", "replace")

    def wait_for(self, needle: str, count: int, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text
            if text.count(needle) >= count:
                return text
            if self.proc.poll() is not None and not self.thread.is_alive():
                break
            time.sleep(0.02)
        raise AssertionError(f"waited for {count}x {needle!r}; got:\n{self.text}")


def _hotline(store: Path, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, HOTLINE_STORE=str(store), PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "game", *args], cwd=ROOT, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def test_kill_9_mid_game_then_resume(tmp_path: Path) -> None:
    store = tmp_path / "journal.sqlite3"
    tiny = str(ROOT / "tests" / "engine" / "tiny.yaml")
    proc = _hotline(store, "play", tiny, "--seed", "3", "--trainee", "Kim")
    reader = Reader(proc)
    assert proc.stdin is not None
    try:
        reader.wait_for(PROMPT, 1)
        proc.stdin.write("2\nopen the line first\n".encode())
        proc.stdin.flush()
        text = reader.wait_for(PROMPT, 2)  # the choice was acknowledged: next decision shown
        assert "> Chose “Call the defense link”" in text
        assert "The morning after" in text
        # Answer the number of the next decision but not yet its "why?": not recorded.
        proc.stdin.write(b"3\n")
        proc.stdin.flush()
        reader.wait_for("why? (Enter to skip): ", 2)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    with Journal(store) as journal:
        (record,) = journal.sessions()
        assert record.status == "active" and record.trainee == "Kim" and record.seed == 3
        inputs = journal.inputs(record.id)
    assert len(inputs) == 1
    assert inputs[0]["option"] == "call"
    assert inputs[0]["rationale"] == "open the line first"

    resumed = _hotline(store, "resume", record.id[:15])
    out, err = resumed.communicate(b"1\ngo political\n2\n\n", timeout=120)
    text = out.decode()
    assert resumed.returncode == 0, err.decode()
    assert "1 input(s) replayed" in text
    # It continues at the decision the player was looking at, not the first one.
    after = text.split("1 input(s) replayed", 1)[1]
    assert after.index("The morning after") < after.index(PROMPT)
    assert "Something in the sky" not in after
    assert "Ending:" in text

    with Journal(store) as journal:
        record = journal.session(record.id)
        inputs = journal.inputs(record.id)
    assert record.status == "ended"
    assert [i["option"] for i in inputs] == ["call", "back", "allies"]
    assert inputs[0]["rationale"] == "open the line first"
    assert inputs[1]["rationale"] == "go political"
