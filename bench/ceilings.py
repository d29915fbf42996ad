"""Server-bound ceilings with wrk (Debian's `wrk`): the closed-loop section save of the product against the trivial
page and the one-row insert of bench/ceiling_app.py, in one run, each with the generator's own CPU beside it.

    .venv/bin/python -m bench.ceilings                       # SQLite; 8 enterprises saving, 15 s per measurement
    .venv/bin/python -m bench.ceilings --database postgresql

1. A fresh instance (db upgrade, bootstrap) with --enterprises enterprises registered through the app's code; each
   logs in (GET+POST /login), starts its application and opens 六、 (its CSRF token, session cookie and the
   section's version go to a file for bench/wrk/section_save.lua).
2. gunicorn -c deploy/gunicorn.conf.py wsgi:app; wrk -t N -c N (one connection per enterprise) posts the section as
   the editor does, reading the next version from each answer. An answer without "已保存" counts as an error.
3. gunicorn -c deploy/gunicorn.conf.py bench.ceiling_app:app; wrk GET /trivial and POST /insert (one row).
For every measurement: requests/s, latency percentiles (wrk's), errors, and the CPU seconds of the server (master and
workers) and of wrk itself (from /proc), so that a ceiling can be seen to be the server's: the server near both cores,
the generator far below. Loopback only; every duration and count is capped.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from bench.common import (
    Instance, Server, cap, cpu_seconds, locked_lines, machine, postgres_cluster, workdir, write_result,
)
from bench.rush_data import PASSWORD, section_posts

MAX_SECONDS = 120
MAX_ENTERPRISES = 64
WRK = "wrk"
HERE = Path(__file__).parent / "wrk"
RESULT = re.compile(r"WRK_RESULT (.*)")
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def run_wrk(server: Server, script: str, path: str, threads: int, connections: int, seconds: int,
            env: dict | None = None) -> dict:
    """One wrk run against `server`; wrk's figures with the server's and wrk's CPU over the run."""
    server_pids = [server.process.pid, *(w.pid for w in server.workers())]
    before = cpu_seconds(server_pids)
    started = time.monotonic()
    process = subprocess.Popen([WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                                "-s", str(HERE / script), server.base_url + path],
                               env={**(env or {}), "PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    wrk_cpu = 0.0
    while process.poll() is None:          # wrk's own CPU, read while it runs (it is not our child's child)
        wrk_cpu = max(wrk_cpu, cpu_seconds([process.pid]))
        time.sleep(0.2)
    output = process.stdout.read()
    wall = time.monotonic() - started
    server_cpu = cpu_seconds(server_pids) - before
    match = RESULT.search(output)
    if process.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{output}")
    figures = {k: float(v) for k, v in (item.split("=") for item in match.group(1).split())}
    seconds_run = figures["seconds"]
    return {"requests": int(figures["requests"]), "per_s": round(figures["requests"] / seconds_run, 1),
            "p50_ms": figures["p50_ms"], "p95_ms": figures["p95_ms"], "p99_ms": figures["p99_ms"],
            "errors": int(figures["non2xx"] + figures["socket_errors"] + figures.get("unsaved", 0)),
            "seconds": seconds_run, "threads": threads, "connections": connections,
            "server_cpu_s": round(server_cpu, 2), "server_cores": round(server_cpu / wall, 2),
            "wrk_cpu_s": round(wrk_cpu, 2), "wrk_cores": round(wrk_cpu / seconds_run, 3)}


def logged_in_users(server: Server, accounts: list[dict], posts: dict, section: str) -> list[str]:
    """Each enterprise logged in with its application started and `section` opened: the lines of WRK_USERS."""
    lines = []
    for account in accounts:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            page = client.get("/login").text
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            answer = client.post("/login", data={"login": account["login"], "password": PASSWORD, "csrf_token": token})
            assert answer.status_code == 302 and "/login" not in answer.headers.get("location", ""), answer.text[:500]
            csrf = CSRF.search(client.get("/home").text).group(1)
            answer = client.post("/applications/start", headers={"X-CSRFToken": csrf})
            application_id = int(answer.headers["location"].split("/applications/")[1].split("/")[0])
            page = client.get(f"/applications/{application_id}/sections/{section}").text
            cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
            lines.append("\t".join([cookie, CSRF.search(page).group(1), str(application_id),
                                    VERSION.search(page).group(1), urlencode(posts[section])]))
    return lines


def measure(args, instance: Instance) -> dict:
    instance.bootstrap()
    setup = json.loads(instance.python("-m", "bench.instance_tool", "enterprises", str(args.enterprises),
                                       PASSWORD).stdout)
    posts = section_posts(setup["economic_years"])
    result: dict = {"database": instance.database, "enterprises": args.enterprises, "seconds": args.seconds,
                    "section": args.section, "machine": machine()}
    with Server(instance) as server:
        users = instance.folder / "wrk-users.tsv"
        users.write_text("\n".join(logged_in_users(server, setup["accounts"], posts, args.section)) + "\n",
                         encoding="utf-8")
        n = args.enterprises
        result["section_save"] = run_wrk(server, "section_save.lua", "/", n, n, args.seconds,
                                         {"WRK_USERS": str(users), "WRK_SECTION": args.section})
        result["locked"] = locked_lines(server.log_text())
        result["worker_memory_mb"] = server.worker_memory()
    ceiling_env = {"CEILING_DB": str(instance.folder / "ceiling.db")}
    if instance.database_url:
        ceiling_env = {"CEILING_DATABASE_URL": instance.database_url}
    with Server(instance, "bench.ceiling_app:app", ceiling_env, name="ceiling") as ceiling:
        c = args.ceiling_connections
        result["trivial"] = run_wrk(ceiling, "simple.lua", "/trivial", 1, c, args.seconds)
        result["insert"] = run_wrk(ceiling, "simple.lua", "/insert", 1, c, args.seconds,
                                   {"WRK_BODY": "payload=" + "湖南" * 20})
    result["save_to_insert"] = round(result["section_save"]["per_s"] / result["insert"]["per_s"], 3)
    return result


def print_report(result: dict) -> None:
    print(f"machine: load {result['machine']['load_average']}, {result['database']}")
    print(f"{'measurement':<16}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'server cores':>14}{'wrk cores':>11}")
    for key in ("section_save", "trivial", "insert"):
        r = result[key]
        print(f"{key:<16}{r['per_s']:>9}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['errors']:>8}{r['server_cores']:>14}"
              f"{r['wrk_cores']:>11}")
    print(f"section saves / inserts = {result['save_to_insert']:.1%}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=8, help="enterprises saving at once (wrk threads)")
    parser.add_argument("--seconds", type=int, default=15, help="duration of each measurement")
    parser.add_argument("--ceiling-connections", type=int, default=32)
    parser.add_argument("--section", default="plan")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    cap(args.enterprises, MAX_ENTERPRISES, "--enterprises")
    cap(args.seconds, MAX_SECONDS, "--seconds")
    cap(args.ceiling_connections, 256, "--ceiling-connections")
    folder = workdir(prefix="bench-ceilings-")
    try:
        if args.database == "postgresql":
            with postgres_cluster() as url:
                result = measure(args, Instance(folder, url))
        else:
            result = measure(args, Instance(folder))
    finally:
        Instance(folder).remove()
    path = write_result(f"ceilings-{args.database}", result)
    print_report(result)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
