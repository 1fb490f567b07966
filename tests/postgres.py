"""A real, throwaway PostgreSQL server for the tests (no mocks).

initdb + pg_ctl from the machine's PostgreSQL into a fresh folder, on a free loopback
port, fsync off (a test server), stopped at the end. PostgreSQL refuses to run as root,
so as root it runs as the `postgres` user that Debian's package creates.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def _binary(name: str) -> str:
    candidates = [shutil.which(name), *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)]
    found = next((c for c in candidates if c), None)
    if found is None:
        raise PostgresUnavailable(
            f"PostgreSQL's {name} was not found; `make test` installs it (apt-get install postgresql), "
            "or install PostgreSQL ≥ 13 yourself"
        )
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kpi-pg-"))
        self.folder.chmod(0o755)
        self.data = self.folder / "data"
        self.port = _free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root and there is no `postgres` user to run PostgreSQL as"
                ) from None
            self.data.mkdir()
            for path in (self.folder, self.data):  # the socket goes in the folder
                os.chown(path, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def run(self, *args: str) -> None:
        result = subprocess.run([*self.prefix, *args], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.data / "log"
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresUnavailable(
                f"{Path(args[0]).name} failed: {result.stderr or result.stdout}\n{detail}"
            )

    def start(self) -> str:
        self.run(
            _binary("initdb"), "-D", str(self.data), "-U", "kpi", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            _binary("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "-l",
            str(self.data / "log"),
            "start",
        )
        return f"postgresql+psycopg://kpi@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self.run(_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
