"""Seats as separate processes (``python -m game seat ...``), as on separate machines.

:class:`Desk` starts one, collects its standard output and error in threads,
and waits for what it prints, so a test can act at the right moment (kill it
mid-decision, restart the server while it waits, answer its prompt).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class _Reader:
    def __init__(self, stream: int) -> None:
        self.data = b""
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self.thread.start()

    def _run(self, fd: int) -> None:
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.data += chunk

    @property
    def text(self) -> str:
        with self.lock:
            return self.data.decode("utf-8", "replace")


def hotline_env(home: Path) -> dict[str, str]:
    """The environment of a child ``hotline``: private folders, unbuffered output."""
    return dict(os.environ, PYTHONUNBUFFERED="1", XDG_DATA_HOME=str(home / "data"),
                XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
                HOTLINE_STORE=str(home / "unused.sqlite3"))


def hotline(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a ``hotline`` command to its end."""
    return subprocess.run([sys.executable, "-m", "game", *args], cwd=ROOT, env=hotline_env(home),
                          capture_output=True, text=True, timeout=timeout, check=False)


class Desk:
    """One ``hotline seat`` process.

    Args:
        home: A private folder (the child's XDG folders).
        args: The arguments after ``hotline``.
    """

    def __init__(self, home: Path, *args: str) -> None:
        self.args = args
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "game", *args], cwd=ROOT, env=hotline_env(home),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._out = _Reader(self.proc.stdout.fileno())
        self._err = _Reader(self.proc.stderr.fileno())

    @property
    def out(self) -> str:
        return self._out.text

    @property
    def err(self) -> str:
        return self._err.text

    def wait_for(self, needle: str, count: int = 1, timeout: float = 90,
                 stream: str = "out") -> str:
        """Wait until ``needle`` was printed ``count`` times; return that stream's text."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.out if stream == "out" else self.err
            if text.count(needle) >= count:
                return text
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the readers take what is left
                text = self.out if stream == "out" else self.err
                if text.count(needle) >= count:
                    return text
                break
            time.sleep(0.02)
        raise AssertionError(f"{' '.join(self.args)}: waited for {count}x {needle!r} on "
                             f"std{stream}; got:\n{self.out}\n--- stderr:\n{self.err}")

    def answer(self, *lines: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("".join(line + "\n" for line in lines).encode())
        self.proc.stdin.flush()

    def finish(self, timeout: float = 120) -> int:
        """Wait for the process to end; return its exit status."""
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{' '.join(self.args)} did not end in {timeout} s:\n"
                                 f"{self.out}\n--- stderr:\n{self.err}") from None
        self._out.thread.join(timeout=5)
        self._err.thread.join(timeout=5)
        return code

    def kill9(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        if self.proc.stdin is not None:
            self.proc.stdin.close()
