"""A real PostgreSQL server for the tests: the installed binaries, a temp dir, a free port.

``postgres_server`` (session-scoped, registered in ``tests/conftest.py``) runs ``initdb`` and
``pg_ctl start`` on 127.0.0.1 with password authentication, and stops the server by its PID at
the end. As root, the binaries run as the ``postgres`` user (the server refuses to run as root).
Without the binaries (or, as another user, without a way to run them) the tests that need it
skip with one line saying how to install it; under ``CI=true`` they fail instead.
``postgres_url`` hands each test a database of its own.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
from support import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["PostgresServer", "postgres_server", "postgres_url"]

PASSWORD = "ledger-test-secret"  # noqa: S105 - a throwaway server's superuser, on 127.0.0.1
_INSTALL = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql "
    "package (apt-get install postgresql) or run scripts/test as root"
)
_START_TIMEOUT = 60


def find_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with ``initdb``, else ``initdb`` on PATH."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


@dataclass(frozen=True)
class PostgresServer:
    """A running server: where to reach it as its superuser."""

    host: str
    port: int
    user: str
    password: str
    pid: int

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        """A ``postgresql://`` URL of ``database`` (with another password, if given)."""
        secret = self.password if password is None else password
        return f"postgresql://{self.user}:{secret}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE) as the superuser."""
        import psycopg  # noqa: PLC0415 - the postgres extra

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)  # test-only statements (CREATE/DROP DATABASE), fixed names


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"under CI=true the PostgreSQL tests must run: {reason}")
    pytest.skip(reason)


def _as_server_user(command: list[str]) -> list[str]:
    """As root, run ``command`` as ``postgres`` (which the server requires); else as we are."""
    if os.geteuid() != 0:
        return command
    # util-linux puts runuser in /usr/sbin, which a plain user's PATH (and `env -i`) lacks.
    runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")
    if runuser is None:
        _unavailable("runuser (util-linux) not found: it starts the server as the postgres user")
    return [runuser, "-u", "postgres", "--", *command]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the session, stopped by its PID at the end."""
    bindir = find_bindir()
    if bindir is None:
        _unavailable(_INSTALL)
    assert bindir is not None
    try:
        import psycopg  # noqa: F401, PLC0415 - the driver the ledger uses
    except ImportError:
        _unavailable("psycopg is missing: uv sync --all-extras (the postgres extra)")
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("no 'postgres' user to run the server as: install Debian's postgresql")
    base = Path(tempfile.mkdtemp(prefix="youcam-units-pg-"))
    data, password_file = base / "data", base / "password"
    password_file.write_text(PASSWORD)
    if os.geteuid() == 0:
        os.chown(base, owner.pw_uid, owner.pw_gid)
        os.chown(password_file, owner.pw_uid, owner.pw_gid)
    user = "postgres"
    pid = 0
    try:
        subprocess.run(  # noqa: S603 - the installed binaries
            _as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    user,
                    f"--pwfile={password_file}",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=_START_TIMEOUT,
        )
        port = _start(bindir, data, base)
        pid = int((data / "postmaster.pid").read_text().split()[0])
        yield PostgresServer("127.0.0.1", port, user, PASSWORD, pid)
    except subprocess.CalledProcessError as exc:
        log = base / "server.log"
        detail = (exc.stderr or b"").decode(errors="replace").strip() or (
            log.read_text(errors="replace") if log.exists() else ""
        )
        pytest.fail(f"PostgreSQL did not start: {detail[-2000:]}")
    finally:
        if pid:
            _stop(pid)
        shutil.rmtree(base, ignore_errors=True)


def _start(bindir: Path, data: Path, base: Path) -> int:
    """``pg_ctl start`` on a free port (another, up to twice, if one is taken meanwhile)."""
    for attempt in range(3):
        port = free_port()
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={base} "
            "-c fsync=off -c max_connections=60"
        )
        command = [str(bindir / "pg_ctl"), "-D", str(data), "-o", options]
        command += ["-l", str(base / "server.log"), "-w", "-t", str(_START_TIMEOUT), "start"]
        try:
            subprocess.run(  # noqa: S603 - the installed binaries
                _as_server_user(command),
                check=True,
                capture_output=True,
                timeout=_START_TIMEOUT + 10,
            )
        except subprocess.CalledProcessError:
            if attempt == 2:
                raise
            continue
        return port
    raise AssertionError("unreachable")


def _stop(pid: int) -> None:
    """Fast shutdown (SIGINT) of the server we started, then wait for it to be gone."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A database of this test's own on the session's server, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    postgres_server.admin(f"CREATE DATABASE {name}")
    yield postgres_server.url(name)
    postgres_server.admin(f"DROP DATABASE {name} WITH (FORCE)")
