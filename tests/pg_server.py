"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temporary folder, on 127.0.0.1 only.

PostgreSQL refuses to run as root (and CI runs as root), so then the server runs as the unprivileged `postgres`
user (Debian's package creates it) through `runuser`, in a folder chowned to it. One server per test session,
TLS on (a certificate made by trustme), password (SCRAM) logins; each test gets its own database.

Missing server binaries skip the PostgreSQL tests on a developer's PC, and fail them when REQUIRE_POSTGRESQL=1
(CI sets it, and installs Debian's `postgresql` package first).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ADMIN = "bo_admin"
ADMIN_PASSWORD = "admin-pw-for-tests"
REQUIRE_ENV = "REQUIRE_POSTGRESQL"


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: Debian keeps them out of PATH, under /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PgServer:
    folder: Path
    port: int
    bin: Path
    user: str | None  # the OS user the server runs as (None: this process's own)
    tls: bool
    ca_file: Path | None = None
    _names = itertools.count(1)

    # -- life -----------------------------------------------------------------------------------------------------

    @classmethod
    def start(cls, *, tls: bool = True) -> PgServer:
        binaries = bin_dir()
        if binaries is None:
            raise FileNotFoundError("PostgreSQL's initdb was not found (Debian: apt-get install postgresql)")
        folder = Path(tempfile.mkdtemp(prefix="bo-pg-"))
        user = "postgres" if os.geteuid() == 0 else None
        server = cls(folder=folder, port=free_port(), bin=binaries, user=user, tls=tls)
        try:
            server._init()
            server._run("pg_ctl", "-D", str(server.data), "-l", str(folder / "server.log"), "-w", "-t", "60",
                        "start")
        except BaseException:
            server.stop()
            raise
        return server

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / tool), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if result.returncode != 0:
            log = (self.folder / "server.log")
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr.strip()}\n{tail}")
        return result

    def _init(self) -> None:
        password_file = self.folder / "pw"
        password_file.write_text(ADMIN_PASSWORD + "\n")
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            os.chown(password_file, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", ADMIN, "--pwfile", str(password_file), "-E", "UTF8",
                  "--locale=C", "--auth-local=scram-sha-256", "--auth-host=scram-sha-256")
        settings = [f"port = {self.port}", "listen_addresses = '127.0.0.1'",
                    f"unix_socket_directories = '{self.folder}'", "fsync = off", "synchronous_commit = off",
                    "full_page_writes = off", "max_connections = 200", "shared_buffers = 32MB"]
        if self.tls:
            settings += self._certificates()
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")

    def _certificates(self) -> list[str]:
        import trustme

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        cert.private_key_pem.write_to_path(str(self.data / "server.key"))
        cert.cert_chain_pems[0].write_to_path(str(self.data / "server.crt"))
        self.ca_file = self.folder / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        os.chmod(self.data / "server.key", 0o600)
        if self.user:
            entry = pwd.getpwnam(self.user)
            for name in ("server.key", "server.crt"):
                os.chown(self.data / name, entry.pw_uid, entry.pw_gid)
        return ["ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'"]

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- using it -------------------------------------------------------------------------------------------------

    def url(self, database: str = "postgres", user: str = ADMIN) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def admin(self, database: str = "postgres"):
        """A pg8000 connection as the superuser, in autocommit mode (CREATE DATABASE needs it)."""
        import pg8000.native

        return pg8000.native.Connection(ADMIN, host="127.0.0.1", port=self.port, database=database,
                                        password=ADMIN_PASSWORD)

    def new_database(self) -> str:
        name = f"t{os.getpid()}_{next(self._names)}"
        conn = self.admin()
        try:
            conn.run(f"CREATE DATABASE {name}")
        finally:
            conn.close()
        return name

    def drop_database(self, name: str) -> None:
        conn = self.admin()
        try:
            conn.run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            conn.close()
