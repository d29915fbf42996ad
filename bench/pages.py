"""Benchmark 3, pages at scale: response times of the busiest pages with 1,000 and 10,000 applications.

    .venv/bin/python -m bench.pages                          # 1,000 (with files) and 10,000 (--no-files) applications
    .venv/bin/python -m bench.pages --sizes 1000 --requests 30
    .venv/bin/python -m bench.pages --database postgresql

For each size: a fresh instance (`flask db upgrade`, `flask bootstrap`, then `flask demo --applications N`, with
--no-files above --files-up-to, because writing 16 files per application takes long and the pages read only the
rows), then gunicorn started as `make run` starts it, and one client on 127.0.0.1 requesting each page --requests
times in a row (after warm-up: 24 requests 8 at a time, so that every worker has served the page, then 3 in a
row), as the user who sees it:
- the unit's queue /review/ and its 汇总表 /review/summary as the 长沙市 recommender (the demo puts about a quarter
  of the applications in 长沙市),
- the province overview with its charts /admin/overview as the admin,
- the full edit page of 三、智能制造实施内容 of the draft with the most 环节, as its enterprise,
- the read-only view /applications/<id> and the review page /review/<id> of a submitted 长沙市 application.
One client and no think time: the figures are the server's time per page plus loopback (there is no queueing).
tests/test_query_counts.py asserts that the number of SQL queries of these pages does not grow with the
applications. Results: bench/results/pages-<database>-latest.json.
"""
from __future__ import annotations

import argparse
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.common import Instance, Server, cap, latency_summary, machine, postgres_cluster, workdir, write_result

MAX_APPLICATIONS = 20_000
MAX_REQUESTS = 200
WARMUP = 3
WARM_CONCURRENCY, WARM_ROUNDS = 8, 3      # ≥ gunicorn's workers × threads on this machine (4 × 2)
DEMO_PASSWORD = "Passw0rd!x-2024"          # webapp.demo_data.PASSWORD: every demo enterprise's password


def log_in(base_url: str, login: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=120)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"login": login, "password": password, "csrf_token": token})
    if response.status_code != 302 or "/login" in response.headers.get("location", ""):
        raise RuntimeError(f"login as {login} failed: {response.status_code}")
    return client


def measure(client: httpx.Client, url: str, count: int) -> dict:
    # Warm every worker, not only the one that answers a client in a row: a worker's first request of a page
    # compiles its templates and queries, and would otherwise fall among the timed ones.
    with ThreadPoolExecutor(WARM_CONCURRENCY) as pool:
        list(pool.map(lambda _: client.get(url), range(WARM_CONCURRENCY * WARM_ROUNDS)))
    for _ in range(WARMUP):
        client.get(url)
    times, errors, size = [], 0, 0
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            errors += 1
        size = len(response.content)
    return {"url": url, **latency_summary(times, errors=errors), "bytes": size}


def build(instance: Instance, size: int, args) -> dict:
    """A new instance with `size` demo applications: the accounts' passwords and the demo's time."""
    accounts = instance.bootstrap()
    no_files = size > args.files_up_to
    started = time.perf_counter()
    demo = ["demo", "--applications", str(size)] + (["--no-files"] if no_files else [])
    instance.flask(*demo, timeout=args.demo_timeout)
    return {"accounts": accounts, "no_files": no_files, "demo_seconds": time.perf_counter() - started}


def pages_at(size: int, args, database_url: str | None) -> dict:
    reusable = args.keep_instances and (not database_url or args.database_url)
    kept = Path(args.keep_instances) / f"pages-{args.database}-{size}" if reusable else None
    folder = kept or workdir()
    instance = Instance(folder, database_url)
    try:
        ready = kept / "ready.json" if kept else None
        if ready and ready.exists():
            built = json.loads(ready.read_text())
            instance.flask("db", "upgrade", timeout=3600)       # migrations added since it was built
        else:
            built = build(instance, size, args)
            if ready:
                ready.write_text(json.dumps(built))
        accounts, no_files, demo_seconds = built["accounts"], built["no_files"], built["demo_seconds"]
        targets = json.loads(instance.python("-m", "bench.instance_tool", "targets").stdout)
        with Server(instance) as server:
            admin = log_in(server.base_url, "admin", accounts["admin"])
            unit = log_in(server.base_url, "changsha", accounts["changsha"])
            applicant = log_in(server.base_url, targets["draft_login"], DEMO_PASSWORD)
            pages = {
                "queue /review/": (unit, "/review/"),
                "汇总表 /review/summary": (unit, "/review/summary"),
                "overview /admin/overview": (admin, "/admin/overview"),
                "edit 三 implementation": (applicant,
                                            f"/applications/{targets['draft_id']}/sections/implementation"),
                "view /applications/<id>": (unit, f"/applications/{targets['submitted_id']}"),
                "review /review/<id>": (unit, f"/review/{targets['submitted_id']}"),
            }
            results = {name: measure(client, url, args.requests) for name, (client, url) in pages.items()}
            memory = server.worker_memory()
            for client in (admin, unit, applicant):
                client.close()
        return {"applications": size, "demo_no_files": no_files, "demo_seconds": round(demo_seconds, 1),
                "targets": targets, "pages": results, "worker_memory_mb": memory,
                "load_average_after": machine()["load_average"]}
    finally:
        if not kept:
            instance.remove()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="numbers of applications, comma-separated")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--files-up-to", type=int, default=1000,
                        help="demo writes attachment files up to this many applications, --no-files above")
    parser.add_argument("--demo-timeout", type=float, default=3 * 3600)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--keep-instances", metavar="DIR",
                        help="build each size's instance once in DIR/pages-<database>-N and reuse it afterwards "
                             "(after `flask db upgrade`); its demo time is the first build's. With PostgreSQL only "
                             "together with --database-url (one size per database)")
    parser.add_argument("--database-url", metavar="URL",
                        help="PostgreSQL: use this (loopback) database instead of a throwaway cluster, so that "
                             "--keep-instances can build 10,000 applications once")
    args = parser.parse_args(argv)
    sizes = [cap(int(s), MAX_APPLICATIONS, "--sizes") for s in args.sizes.split(",")]
    if args.database_url and (args.database != "postgresql" or len(sizes) != 1
                              or not re.match(r"postgresql(\+\w+)?://[^@]*@(127\.0\.0\.1|localhost)[:/]",
                                              args.database_url)):
        parser.error("--database-url needs --database postgresql, one size and a loopback address")
    cap(args.requests, MAX_REQUESTS, "--requests")
    cap(args.demo_timeout, 4 * 3600, "--demo-timeout")
    runs = []
    for size in sizes:
        if args.database_url:
            runs.append(pages_at(size, args, args.database_url))
        elif args.database == "postgresql":
            with postgres_cluster() as url:
                runs.append(pages_at(size, args, url))
        else:
            runs.append(pages_at(size, args, None))
        run = runs[-1]
        print(f"\n== {size} applications on {args.database} (demo {run['demo_seconds']} s"
              f"{', --no-files' if run['demo_no_files'] else ''}; 长沙 queue {run['targets']['changsha_queue']}, "
              f"draft with {run['targets']['draft_links']} 环节)")
        print(f"   {'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}{'KB':>8}")
        for name, page in run["pages"].items():
            print(f"   {name:<28}{page['p50_ms']:>9}{page['p95_ms']:>9}{page['max_ms']:>9}{page['errors']:>8}"
                  f"{page['bytes'] // 1024:>8}")
    path = write_result(f"pages-{args.database}", {"database": args.database, "requests": args.requests,
                                                    "runs": runs})
    print(f"\nresults: {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
