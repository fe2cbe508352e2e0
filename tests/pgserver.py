"""A throwaway PostgreSQL server for tests and benchmarks (never a mock).

It runs Debian's ``postgresql`` binaries (``initdb``, ``pg_ctl``) on a
data folder in a temp dir and a free port on 127.0.0.1, with no Unix socket.
PostgreSQL refuses to run as root, so when we are root the server runs as the
``postgres`` user the Debian package creates. ``fsync`` stays on, so commit
latencies are real.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgServer", "find_pg_bin", "start_server"]


def find_pg_bin() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None if absent."""
    candidates: list[Path] = []
    env = os.environ.get("HOTLINE_PG_BIN")
    if env:
        candidates.append(Path(env))
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(Path(os.path.realpath(found)).parent)
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A running server.

    Attributes:
        bin: The PostgreSQL binaries folder.
        root: The temp folder (data folder and log inside).
        port: The TCP port on 127.0.0.1.
        user: The OS user running it (None: ourselves).
    """

    bin: Path
    root: Path
    port: int
    user: str | None

    @property
    def data(self) -> Path:
        """The data folder."""
        return self.root / "data"

    @property
    def log(self) -> Path:
        """The server log."""
        return self.root / "server.log"

    def url(self, dbname: str = "postgres") -> str:
        """A URL for the superuser ``postgres`` and a database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, object] = {}
        if self.user is not None:
            kwargs.update(user=self.user, group=pwd.getpwnam(self.user).pw_gid, extra_groups=[])
        return subprocess.run(  # type: ignore[call-overload,no-any-return]
            list(args), capture_output=True, text=True, timeout=timeout, check=False,
            cwd=self.root, **kwargs,
        )

    def pg_ctl(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``pg_ctl -D DATA ARGS`` as the server's user."""
        return self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), *args, timeout=timeout)

    def start(self) -> None:
        """Start (or restart after :meth:`stop`) the server and wait until it accepts."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c max_connections=200 -c shared_buffers=32MB"
        )
        done = self.pg_ctl("-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}\n{log[-2000:]}")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``mode``: smart, fast or immediate)."""
        self.pg_ctl("-m", mode, "-w", "stop")

    def create_database(self) -> str:
        """Create a fresh database and return its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`create_database` (closing its connections)."""
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def destroy(self) -> None:
        """Stop the server at once and delete its files."""
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_server(bin_dir: Path | None = None) -> PgServer:
    """Create a data folder with ``initdb`` and start a server on a free port.

    Args:
        bin_dir: The binaries folder (default: :func:`find_pg_bin`).

    Returns:
        The running server; call :meth:`PgServer.destroy` when done.

    Raises:
        RuntimeError: No binaries, no ``postgres`` user while root, or the
            server would not start (the message has the log's tail).
    """
    folder = bin_dir or find_pg_bin()
    if folder is None:
        raise RuntimeError("PostgreSQL binaries not found (install Debian's postgresql package)")
    user: str | None = None
    if os.geteuid() == 0:
        try:
            entry = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise RuntimeError(
                "running as root, and PostgreSQL refuses root; the 'postgres' user that "
                "Debian's postgresql package creates is missing"
            ) from exc
        user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="hotline-pg-"))
    if user is not None:
        os.chown(root, entry.pw_uid, entry.pw_gid)
    server = PgServer(folder, root, _free_port(), user)
    done = server._run(
        str(folder / "initdb"), "-D", str(server.data), "-U", "postgres", "--auth=trust",
        "-E", "UTF8", "--locale=C", "--no-sync",
    )
    if done.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {done.stdout}{done.stderr}")
    for attempt in range(3):
        try:
            server.start()
            return server
        except RuntimeError:
            if attempt == 2:
                shutil.rmtree(root, ignore_errors=True)
                raise
            server.port = _free_port()  # someone took the port meanwhile
            time.sleep(0.2)
    raise AssertionError("unreachable")  # pragma: no cover
