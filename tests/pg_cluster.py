"""A throwaway PostgreSQL primary with a synchronous streaming replica on loopback, for the
failover test (issue 21). Uses the server binaries under /usr/lib/postgresql/*/bin (CI has
PostgreSQL 15's); a temp directory, free ports, ``trust`` on 127.0.0.1 only. PostgreSQL refuses
to run as root, so as root every server command runs as the ``postgres`` OS user (runuser)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

from tests.waiting import wait_until


def bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def problem() -> str | None:
    """Why a cluster cannot be made here (None when it can)."""
    if bin_dir() is None:
        return "no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin or on PATH"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres OS user to run the servers as"
        if shutil.which("runuser") is None:
            return "running as root without runuser"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, cluster: "Cluster", name: str):
        self.cluster, self.name = cluster, name
        self.data = cluster.root / name
        self.port = free_port()
        self.log = cluster.root / f"{name}.log"

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def kill9(self) -> None:
        """The machine is gone: SIGKILL the postmaster and every one of its processes at once."""
        pid = self.postmaster_pid()
        children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == pid]
        for victim in [pid, *children]:
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                pass

    @property
    def address(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres"


def _ppid(proc: Path) -> int:
    try:
        stat = (proc / "stat").read_text()
    except OSError:
        return -1
    return int(stat.rsplit(")", 1)[1].split()[1])


class Cluster:
    """``with Cluster() as c:`` — ``c.primary`` streaming synchronously to ``c.replica``."""

    def __init__(self) -> None:
        self.bin = bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="hotline-pg-ha-"))
        self.as_root = os.geteuid() == 0
        if self.as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.primary = Server(self, "primary")
        self.replica = Server(self, "replica")

    def run(self, tool: str, *args: str, timeout: float = 120) -> str:
        cmd = [str(self.bin / tool), *args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}")
        return done.stdout

    def _write_conf(self, server: Server, extra: str) -> None:
        conf = server.data / "postgresql.auto.conf"
        text = (f"port = {server.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\nfsync = off\nfull_page_writes = off\n"
                f"shared_buffers = 16MB\nmax_connections = 40\n{extra}")
        # append as the file's owner (root can write it, but keep ownership for the server)
        with open(conf, "a", encoding="utf-8") as f:
            f.write(text)

    def start(self) -> None:
        p = self.primary
        self.run("initdb", "-D", str(p.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        # fsync off: the test kills processes, not the kernel, so the page cache survives;
        # synchronous_commit=on + a named synchronous standby: a commit returns only once the
        # replica has the WAL.
        self._write_conf(p, "wal_level = replica\nmax_wal_senders = 5\nwal_keep_size = 64MB\n"
                            "synchronous_standby_names = 'replica1'\nsynchronous_commit = on\n")
        self.run("pg_ctl", "-D", str(p.data), "-l", str(p.log), "-w", "-t", "60", "start")
        r = self.replica
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(p.port), "-U", "postgres", "-D", str(r.data),
                 "-X", "stream", "-R")
        self._write_conf(r, f"primary_conninfo = 'host=127.0.0.1 port={p.port} user=postgres "
                            f"application_name=replica1'\nhot_standby = on\n"
                            # pg_basebackup copied the primary's settings: once promoted, this
                            # server has no standby of its own, and waiting for 'replica1' would
                            # hang every commit (docs/operations.md, "After a failover")
                            "synchronous_standby_names = ''\n")
        self.run("pg_ctl", "-D", str(r.data), "-l", str(r.log), "-w", "-t", "60", "start")
        wait_until(self._synchronous, timeout=60, what="the replica streaming synchronously")

    def _synchronous(self) -> bool:
        import psycopg

        with psycopg.connect(self.primary.address + " dbname=postgres", autocommit=True) as conn:
            row = conn.execute("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'replica1'"
                               ).fetchone()
        return row is not None and row[0] == "sync"

    def promote_replica(self) -> None:
        self.run("pg_ctl", "-D", str(self.replica.data), "-w", "-t", "60", "promote")

    def stop(self) -> None:
        for s in (self.replica, self.primary):
            if (s.data / "postmaster.pid").exists():
                try:
                    self.run("pg_ctl", "-D", str(s.data), "-m", "immediate", "-w", "-t", "30", "stop")
                except (RuntimeError, subprocess.TimeoutExpired):
                    try:
                        s.kill9()
                    except (OSError, ValueError):
                        pass
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
