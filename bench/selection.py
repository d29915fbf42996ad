"""Benchmark 5, the province's selection at scale: 300 experts, about 1,000 reported applications × 5 experts.

    .venv/bin/python -m bench.selection                         # 1,200 demo applications (≈1,000 submitted)
    .venv/bin/python -m bench.selection --applications 300 --experts 100 --savers 30 --duration 20   # a quick run

Steps (all HTTP to 127.0.0.1 only; bounded by the MAX_* caps):
1. Setup: a fresh instance (`flask db upgrade`, `bootstrap`, `demo --applications N --no-files`), then
   bench/selection_tool.py puts every submitted application on a reported list past 形式审查, adds the experts with
   logins in all 14 prefectures and the default plan with 5 experts per application.
2. gunicorn as `make run` starts it. The admin clicks 自动分配 (POST …/assignments/propose) and 确认方案 (…/confirm):
   the time of each answer is the automatic assignment's time as the admin waits for it (target ≤ 5 s).
3. Every sheet is submitted (bulk inserts) except one open assignment for each of --savers experts.
4. The ranking page (标杆企业 and 标杆车间) as the admin, --requests times after warm-up (target ≤ 200 ms).
5. The savers, one thread each with its own login, save sections of their sheet as HTMX does (a section per
   request, X-CSRFToken header, no think time) for --duration seconds: score-save p95 (target ≤ 150 ms).
Results: bench/results/selection-latest.json.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import threading
import time

import httpx

from bench.common import Instance, Server, cap, latency_summary, locked_lines, machine, workdir, write_result
from bench.pages import log_in, measure

MAX_APPLICATIONS = 3000
MAX_EXPERTS = 600
MAX_SAVERS = 200
MAX_DURATION = 300
MAX_REQUESTS = 200
EXPERT_PASSWORD = "Bench-Expert#2024"
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def timed_post(client: httpx.Client, url: str) -> tuple[float, int]:
    page = client.get(url.rsplit("/", 1)[0])
    token = CSRF.search(page.text).group(1)
    started = time.perf_counter()
    response = client.post(url, headers={"X-CSRFToken": token})
    return time.perf_counter() - started, response.status_code


def saver(base_url: str, target: dict, stop_at: float, samples: list, errors: list) -> None:
    client = log_in(base_url, target["login"], EXPERT_PASSWORD)
    page = client.get(f"/expert/assignments/{target['assignment_id']}")
    token = CSRF.search(page.text).group(1)
    rng = random.Random(target["assignment_id"])
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    while time.monotonic() < stop_at:
        key, maximum = rng.choice(target["sections"])
        data = {f"{key}-value": f"{rng.uniform(0, maximum):.1f}", f"{key}-comment": "压测评语，分项说明。"}
        started = time.perf_counter()
        response = client.post(f"/expert/assignments/{target['assignment_id']}/sheet/{key}", data=data,
                               headers=headers)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200 or "已于" not in response.text:
            errors.append(response.status_code)
    client.close()


def save_load(base_url: str, savers: list[dict], duration: float) -> dict:
    samples, errors = [], []
    stop_at = time.monotonic() + duration
    threads = [threading.Thread(target=saver, args=(base_url, t, stop_at, samples, errors)) for t in savers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 120)
    return latency_summary(samples, time.perf_counter() - started, errors=len(errors))


def run(args) -> dict:
    instance = Instance(workdir())
    try:
        accounts = instance.bootstrap()
        started = time.perf_counter()
        instance.flask("demo", "--applications", str(args.applications), "--no-files", timeout=3 * 3600)
        demo_seconds = time.perf_counter() - started
        prepared = json.loads(instance.python("-m", "bench.selection_tool", "prepare", str(args.experts),
                                              EXPERT_PASSWORD).stdout)
        base = f"/admin/selection/{prepared['campaign_id']}"
        with Server(instance) as server:
            admin = log_in(server.base_url, "admin", accounts["admin"])
            propose_s, propose_status = timed_post(admin, f"{base}/assignments/propose")
            confirm_s, confirm_status = timed_post(admin, f"{base}/assignments/confirm")
            scored = json.loads(instance.python("-m", "bench.selection_tool", "score", str(args.savers)).stdout)
            ranking = {kind: measure(admin, f"{base}/ranking?type={kind}", args.requests)
                       for kind in ("enterprise", "workshop")}
            saves = save_load(server.base_url, scored["savers"], args.duration)
            memory = server.worker_memory()
            locked = locked_lines(server.log_text())
            admin.close()
        return {"applications_demo": args.applications, "demo_seconds": round(demo_seconds, 1), **prepared,
                "assignment": {"propose_s": round(propose_s, 2), "propose_status": propose_status,
                               "confirm_s": round(confirm_s, 2), "confirm_status": confirm_status},
                "cards_submitted": scored["cards"], "criterion_scores": scored["criterion_scores"],
                "ranking": ranking, "score_save": {"savers": len(scored["savers"]), **saves},
                "database_locked_lines": len(locked), "worker_memory_mb": memory,
                "load_average_after": machine()["load_average"]}
    finally:
        instance.remove()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=1200, help="demo applications (about 85 %% submitted)")
    parser.add_argument("--experts", type=int, default=300)
    parser.add_argument("--savers", type=int, default=100, help="experts saving their sheets at once")
    parser.add_argument("--duration", type=float, default=60, help="seconds of the save load")
    parser.add_argument("--requests", type=int, default=30, help="timed requests of the ranking page")
    args = parser.parse_args(argv)
    cap(args.applications, MAX_APPLICATIONS, "--applications")
    cap(args.experts, MAX_EXPERTS, "--experts")
    cap(args.savers, MAX_SAVERS, "--savers")
    cap(args.duration, MAX_DURATION, "--duration")
    cap(args.requests, MAX_REQUESTS, "--requests")
    result = run(args)
    print(f"\n== selection: {result['reviewable']} applications in review, {result['experts']} experts, "
          f"{result['cards_submitted']} sheets submitted (demo {result['demo_seconds']} s)")
    a = result["assignment"]
    print(f"   automatic assignment: propose {a['propose_s']} s ({a['propose_status']}), "
          f"confirm {a['confirm_s']} s ({a['confirm_status']})   target ≤ 5 s")
    for kind, page in result["ranking"].items():
        print(f"   ranking {kind:<11} p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms   target ≤ 200 ms")
    s = result["score_save"]
    print(f"   score save, {s['savers']} experts at once: {s['count']} saves, {s.get('requests_per_s')} /s, "
          f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, errors {s['errors']}   target p95 ≤ 150 ms")
    print(f"   'database is locked' lines: {result['database_locked_lines']}; load after {result['load_average_after']}")
    path = write_result("selection", result)
    print(f"\nresults: {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
