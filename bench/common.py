"""Shared pieces of the benchmarks: fresh instances, gunicorn started as `make run` starts it, timing statistics,
results as JSON, a throwaway PostgreSQL cluster on loopback.

Every server started here listens on 127.0.0.1 on a free port, and every load is bounded in count and time (each
benchmark enforces hard caps on its arguments). Nothing here talks to any other address.
"""
from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent           # the virtual environment the benchmark runs in (.venv/bin)
RESULTS = REPO / "bench" / "results"
GUNICORN_CONFIG = "deploy/gunicorn.conf.py"  # the README's serve command: gunicorn -c deploy/gunicorn.conf.py wsgi:app
LOOPBACK = "127.0.0.1"


# ---- the machine -------------------------------------------------------------------------------------------------

def machine() -> dict:
    """What the figures were measured on, and how busy the machine was (other people share it)."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": cpu, "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def write_result(name: str, data: dict) -> Path:
    """bench/results/<name>-<UTC time>.json and bench/results/<name>-latest.json (the folder is git-ignored)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    data = {"benchmark": name, "measured_at": stamp, "machine": machine(), **data}
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(text, encoding="utf-8")
    (RESULTS / f"{name}-latest.json").write_text(text, encoding="utf-8")
    return path


def cap(value, limit, name: str):
    """Refuse arguments over a hard cap: the benchmarks stay bounded whatever they are asked."""
    if value > limit:
        raise SystemExit(f"{name}={value} is over the hard cap of {limit}")
    return value


# ---- statistics -------------------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(round(q / 100 * len(ordered) + 0.5))))
    return ordered[rank - 1]


def latency_summary(seconds: list[float], duration: float | None = None, errors: int = 0) -> dict:
    """count, errors, requests/s over `duration`, p50/p95/p99/max in milliseconds."""
    ms = [s * 1000 for s in seconds]
    out = {"count": len(ms), "errors": errors}
    if duration:
        out["requests_per_s"] = round(len(ms) / duration, 1)
    for name, q in (("p50_ms", 50), ("p95_ms", 95), ("p99_ms", 99)):
        value = percentile(ms, q)
        out[name] = round(value, 1) if value is not None else None
    out["max_ms"] = round(max(ms), 1) if ms else None
    return out


# ---- processes --------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def workdir(base: str | None = None, prefix: str = "bench-") -> Path:
    """A new temporary folder (under `base` if given, else $TMPDIR or /tmp)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.NoSuchProcess:
            pass
    return total


class Instance:
    """A fresh instance folder (INSTANCE_PATH) with its own SQLite database, or a PostgreSQL database when
    `database_url` is given; the flask CLI and helper scripts run against it."""

    def __init__(self, folder: Path, database_url: str | None = None):
        self.folder = folder
        self.env = dict(os.environ, INSTANCE_PATH=str(folder), SECRET_KEY=secrets.token_hex(32),
                        PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.database_url = database_url

    @property
    def database(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    def flask(self, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess:
        return self.run([str(BIN / "flask"), "--app", "wsgi", *args], timeout=timeout)

    def python(self, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess:
        return self.run([sys.executable, *args], timeout=timeout)

    def run(self, command: list[str], timeout: float) -> subprocess.CompletedProcess:
        result = subprocess.run(command, cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:4])} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}")
        return result

    def bootstrap(self) -> dict[str, str]:
        """db upgrade + bootstrap (what `make run` does); returns the demo accounts' passwords by login."""
        self.flask("db", "upgrade", timeout=600)
        output = self.flask("bootstrap", timeout=600).stdout
        return dict(re.findall(r"登录名 (\S+)\s+密码 (\S+)", output))

    def disk_usage(self) -> int:
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class Server:
    """gunicorn started as the README's serve command starts it (`gunicorn -c deploy/gunicorn.conf.py <app>`, the
    same config file, so the same workers/threads/timeouts), on 127.0.0.1:<free port>; its output goes to a log."""

    def __init__(self, instance: Instance, app: str = "wsgi:app", extra_env: dict | None = None, name: str = "app"):
        self.port = free_port()
        self.base_url = f"http://{LOOPBACK}:{self.port}"
        self.log_path = instance.folder / f"gunicorn-{name}.log"
        env = dict(instance.env, PORT=str(self.port), **(extra_env or {}))
        env.pop("BIND", None)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen([str(BIN / "gunicorn"), "-c", GUNICORN_CONFIG, app], cwd=REPO, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                    # Both workers answer once the master has forked them; give the second one a moment.
                    time.sleep(0.5)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not become ready")

    def workers(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def worker_memory(self) -> dict[int, dict]:
        """VmRSS and VmHWM (peak resident set) of each worker, in MB, from /proc/<pid>/status."""
        out = {}
        for worker in self.workers():
            try:
                status = Path(f"/proc/{worker.pid}/status").read_text()
            except OSError:
                continue
            values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
            out[worker.pid] = {k: round(int(v) / 1024, 1) for k, v in values.items()}
        return out

    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def locked_lines(*texts: str) -> list[str]:
    """Lines mentioning SQLite's "database is locked" in the given logs."""
    return [line for text in texts for line in text.splitlines() if "database is locked" in line]


def app_log(instance: Instance) -> str:
    """The app's own log files (instance/logs/app.log and its rotations)."""
    logs = sorted((instance.folder / "logs").glob("app.log*"))
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)


# ---- a throwaway PostgreSQL cluster (as .ci/run starts one) ------------------------------------------------------

def _pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


@contextmanager
def postgres_cluster(database: str = "bench"):
    """A PostgreSQL server in a temporary folder, listening on 127.0.0.1 only, removed afterwards; yields the URL of
    a new database on it. synchronous_commit is off, which loses like SQLite's WAL with synchronous=NORMAL (the app's
    setting) at most the last moments of commits on a power cut, and fsyncs at checkpoints only; fsync itself stays on.
    Runs the server as `postgres` when we are root (it refuses to run as root)."""
    bindir = _pg_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql, as .ci/run does)")
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    as_root = os.geteuid() == 0

    def as_pg(command: list[str], **kwargs):
        if as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, cwd=folder, check=True, capture_output=True, **kwargs)

    if as_root:
        shutil.chown(folder, "postgres")
    port = free_port()
    password = secrets.token_hex(16)
    data = folder / "data"
    try:
        pwfile = folder / "pwfile"
        as_pg(["sh", "-c", f"umask 077 && cat > '{pwfile}'"], input=(password + "\n").encode())
        as_pg([str(bindir / "initdb"), f"--pgdata={data}", "--username=bench", f"--pwfile={pwfile}",
               "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"])
        options = (f"-c listen_addresses={LOOPBACK} -p {port} -k {folder} -c synchronous_commit=off "
                   "-c max_wal_size=1GB -c max_connections=200 -c shared_buffers=256MB -c log_checkpoints=off")
        as_pg([str(bindir / "pg_ctl"), f"--pgdata={data}", f"--log={folder / 'server.log'}", "--wait",
               "--timeout=60", "-o", options, "start"])
        subprocess.run([str(bindir / "createdb"), f"--host={LOOPBACK}", f"--port={port}", "--username=bench",
                        database], check=True, env=dict(os.environ, PGPASSWORD=password), capture_output=True)
        yield f"postgresql://bench:{password}@{LOOPBACK}:{port}/{database}"
    finally:
        if (data / "postmaster.pid").exists():
            try:
                as_pg([str(bindir / "pg_ctl"), f"--pgdata={data}", "-m", "fast", "-w", "-t", "30", "stop"])
            except subprocess.CalledProcessError:
                as_pg([str(bindir / "pg_ctl"), f"--pgdata={data}", "-m", "immediate", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)
