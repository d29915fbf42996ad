"""The deadline rush and the soak with Locust (headless, FastHttpUser, CSV statistics) against gunicorn started as
`make run` starts it, on a fresh instance; the server's and Locust's own CPU, the workers' memory and open files
sampled beside it.

    .venv/bin/python -m bench.locust_rush --users 100 --spawn-rate 10 --minutes 4            # the rush
    .venv/bin/python -m bench.locust_rush --users 50 --spawn-rate 5 --minutes 10 --soak      # the soak

Locust runs in its own environment (it pins its own Flask): --locust names its executable (default: the LOCUST
variable, else `locust` on the PATH); bench/requirements.txt pins its version. The scenario is bench/locustfile.py.
Users, spawn rate and duration are bounded (MAX_*); the host is 127.0.0.1. Afterwards the database is checked (how
many applications were submitted) and gunicorn's output searched for "database is locked".
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import psutil

from bench.common import Instance, Server, cap, locked_lines, postgres_cluster, workdir, write_result
from bench.rush_data import PASSWORD, SCENARIO_TEXTS, pdf_of_size, section_posts

MAX_USERS, MAX_RATE, MAX_MINUTES = 300, 50, 30
HERE = Path(__file__).parent


class Sampler(threading.Thread):
    """Every `every` seconds: the CPU seconds of the server (master and workers) and of Locust, each worker's
    resident memory and number of open files."""

    def __init__(self, server: Server, locust: subprocess.Popen, every: float = 5.0):
        super().__init__(daemon=True)
        self.server, self.locust, self.every = server, locust, every
        self.samples: list[dict] = []
        self.stopped = threading.Event()

    @staticmethod
    def _cpu(pids) -> float:
        total = 0.0
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def sample(self) -> dict:
        workers = self.server.workers()
        memory, files = {}, {}
        for worker in workers:
            try:
                memory[worker.pid] = round(worker.memory_info().rss / 2**20, 1)
                files[worker.pid] = len(os.listdir(f"/proc/{worker.pid}/fd"))
            except (psutil.NoSuchProcess, OSError):
                pass
        return {"t": time.monotonic(), "server_cpu": self._cpu([self.server.process.pid, *(w.pid for w in workers)]),
                "locust_cpu": self._cpu([self.locust.pid]), "rss_mb": memory, "open_files": files,
                "load": os.getloadavg()[0]}

    def run(self):
        while not self.stopped.is_set() and self.locust.poll() is None:
            self.samples.append(self.sample())
            self.stopped.wait(self.every)

    def summary(self) -> dict:
        first, last = self.samples[0], self.samples[-1]
        seconds = last["t"] - first["t"] or 1
        after_warmup = [s for s in self.samples if s["t"] - first["t"] >= 60] or self.samples
        per_worker = {pid: [s["rss_mb"][pid] for s in after_warmup if pid in s["rss_mb"]] for pid in last["rss_mb"]}
        files = {pid: [s["open_files"][pid] for s in after_warmup if pid in s["open_files"]] for pid in last["open_files"]}
        return {"seconds": round(seconds, 1),
                "server_cores": round((last["server_cpu"] - first["server_cpu"]) / seconds, 2),
                "locust_cores": round((last["locust_cpu"] - first["locust_cpu"]) / seconds, 3),
                "load_average": [round(s["load"], 2) for s in self.samples[:: max(1, len(self.samples) // 10)]],
                "rss_growth_mb_after_first_minute": {pid: round(v[-1] - v[0], 1) for pid, v in per_worker.items() if v},
                "rss_mb_last": last["rss_mb"],
                "open_files_first_last": {pid: (v[0], v[-1]) for pid, v in files.items() if v}}


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keep = ("Type", "Name", "Request Count", "Failure Count", "Median Response Time", "95%", "99%", "Requests/s")
    return [{k: row[k] for k in keep} for row in rows]


def run(args, instance: Instance) -> dict:
    instance.bootstrap()
    setup = json.loads(instance.python("-m", "bench.instance_tool", "enterprises", str(args.users), PASSWORD).stdout)
    folder = instance.folder
    (folder / "big.pdf").write_bytes(pdf_of_size(2 * 1024 * 1024, "营业执照"))
    (folder / "big2.pdf").write_bytes(pdf_of_size(2 * 1024 * 1024, "审计报告"))
    (folder / "small.pdf").write_bytes(pdf_of_size(30 * 1024, "设备清单"))
    (folder / "scan.pdf").write_bytes(pdf_of_size(30 * 1024, "盖章申报书扫描件"))
    plan = {"accounts": setup["accounts"], "password": PASSWORD, "links": setup["links"],
            "section_posts": section_posts(setup["economic_years"]), "scenario_texts": SCENARIO_TEXTS,
            "big_pdf": str(folder / "big.pdf"), "big_pdf_2": str(folder / "big2.pdf"),
            "small_pdf": str(folder / "small.pdf"), "scan_pdf": str(folder / "scan.pdf")}
    (folder / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    prefix = folder / "locust"
    with Server(instance) as server:
        command = [args.locust, "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(args.users),
                   "-r", str(args.spawn_rate), "-t", f"{args.minutes * 60:.0f}s", "--csv", str(prefix),
                   "--host", server.base_url, "--only-summary", "--stop-timeout", "30"]
        env = dict(os.environ, RUSH_PLAN=str(folder / "plan.json"), RUSH_THINK=str(args.think),
                   RUSH_MODE="soak" if args.soak else "rush")
        with open(folder / "locust.log", "wb") as log:
            locust = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            sampler = Sampler(server, locust)
            sampler.start()
            locust.wait(timeout=args.minutes * 60 + 300)
            sampler.stopped.set()
            sampler.join()
        result = {"mode": "soak" if args.soak else "rush", "users": args.users, "spawn_rate": args.spawn_rate,
                  "minutes": args.minutes, "think_s": args.think, "database": instance.database,
                  "locust_exit": locust.returncode, "stats": read_stats(prefix), "resources": sampler.summary(),
                  "locked": locked_lines(server.log_text())}
    result["applications"] = json.loads(instance.python("-m", "bench.instance_tool", "status").stdout)
    for kind in ("stats", "failures"):
        shutil.copy(f"{prefix}_{kind}.csv", HERE / "results" / f"locust-{result['mode']}-{kind}.csv")
    return result


def print_report(result: dict) -> None:
    print(f"{'endpoint':<34}{'count':>8}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}{'req/s':>8}")
    for row in result["stats"]:
        print(f"{row['Name'][:33]:<34}{row['Request Count']:>8}{row['Failure Count']:>6}"
              f"{row['Median Response Time']:>7}{row['95%']:>7}{row['99%']:>7}{float(row['Requests/s']):>8.1f}")
    print(json.dumps({k: result[k] for k in ("resources", "locked", "applications", "locust_exit")},
                     ensure_ascii=False, indent=1))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--minutes", type=float, default=4)
    parser.add_argument("--think", type=float, default=2.0, help="mean think time between a user's actions (s)")
    parser.add_argument("--soak", action="store_true", help="steady section saves for the whole run")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--locust", default=os.environ.get("LOCUST", "locust"))
    args = parser.parse_args(argv)
    cap(args.users, MAX_USERS, "--users")
    cap(args.spawn_rate, MAX_RATE, "--spawn-rate")
    cap(args.minutes, MAX_MINUTES, "--minutes")
    folder = workdir(prefix="bench-locust-")
    (HERE / "results").mkdir(exist_ok=True)
    try:
        if args.database == "postgresql":
            with postgres_cluster() as url:
                result = run(args, Instance(folder, url))
        else:
            result = run(args, Instance(folder))
    finally:
        Instance(folder).remove()
    path = write_result(f"locust-{result['mode']}-{args.database}", result)
    print_report(result)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
