"""A throwaway PostgreSQL 15 cluster on loopback for tests marked ``jdbc``
(docs/local-run.md#the-local-stack).

tests/conftest.py registers the session-scoped ``postgres`` fixture from here.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class PgServer:
    host: str
    port: int
    user: str
    password: str

    @property
    def jdbc_url(self) -> str:
        return f"jdbc:postgresql://{self.host}:{self.port}/postgres"

    def psql(self, sql: str) -> str:
        cmd = [str(PG_BIN / "psql"), "-h", self.host, "-p", str(self.port), "-U", self.user, "-d", "postgres"]
        cmd += ["-v", "ON_ERROR_STOP=1", "-At", "-c", sql]
        env = {**os.environ, "PGPASSWORD": self.password}
        return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL 15 cluster on 127.0.0.1:<free port> with password (scram) auth over TCP.

    initdb runs as the ``postgres`` user when the tests run as root; skips when the
    binaries are missing. The cluster is stopped and deleted at the end of the session.
    """
    if not (PG_BIN / "initdb").is_file():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN}")
    as_root = os.geteuid() == 0
    if as_root and shutil.which("su") is None:
        pytest.skip("running as root without su: cannot start PostgreSQL as the postgres user")
    root = Path(tempfile.mkdtemp(prefix="cf-pg-"))
    password = "pw-" + secrets.token_hex(8)
    (root / "pwfile").write_text(password + "\n")
    port = _free_port()
    if as_root:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(root / "pwfile", "postgres", "postgres")

    def run(cmd: list[str]) -> None:
        full = ["su", "postgres", "-c", shlex.join(cmd)] if as_root else cmd
        subprocess.run(full, check=True, capture_output=True, text=True)

    data = root / "data"
    run([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
         "--auth-host=scram-sha-256", f"--pwfile={root / 'pwfile'}"])  # fmt: skip
    server_opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {root}"
    run(
        [
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "log.txt"),
            "-o",
            server_opts,
            "-w",
            "start",
        ]
    )
    try:
        yield PgServer("127.0.0.1", port, "postgres", password)
    finally:
        run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)
