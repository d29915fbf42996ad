"""Where a section save's server time goes, in-process (no HTTP, no other load): the CPU cost per request that
bounds the rush's section-save throughput.

    .venv/bin/python -m bench.profile_save                   # mean CPU ms per HTMX save, for every form section
    .venv/bin/python -m bench.profile_save --profile basic   # pyinstrument profile of saving 基本信息

A fresh instance in a temporary folder (SQLite, the product's pragmas), one campaign, one enterprise whose
application is complete with 8 环节 × 2 场景 (the demo's factory), logged in through the test client. Each section of
tests/form_data.py is saved --saves times as the browser's HTMX post (with the section's current version), after 3
saves of warm-up. Reported per section: mean and p95 of process CPU time and wall time per save.

Beside them, the same client's floor: a static file (the request pipeline: session, user, hooks) and the editor's
presence heartbeat, the cheapest authenticated write the app has (the application and the member's rights checked,
one row upserted and committed, a small fragment rendered). A section save cannot cost less than that heartbeat.
Results: bench/results/profile-save-latest.json.
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.common import REPO, RESULTS, cap, write_result

MAX_SAVES = 2000
WARMUP = 3


def build(folder: Path, stamped: bool):
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from webapp import create_app
    from webapp.accounts.operations import register_enterprise
    from webapp.campaigns.lookup import create_campaign
    from webapp.accounts.codes import check_character
    from webapp.ops.demo_data import make_complete_application
    from webapp.core.extensions import db
    from webapp.ops.seeding import default_edition, load_reference
    from webapp.core.timeutil import utcnow

    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.create_all()
        load_reference()
        campaign = create_campaign(year=2024, title="2024年湖南省智能制造标杆申报",
                                   enterprise_deadline=utcnow() + timedelta(days=30),
                                   unit_deadline=utcnow() + timedelta(days=45), edition=default_edition())
        body = "91430104000000001"[:17]
        user = register_enterprise(name="湖南测试智能装备有限公司", credit_code=body + check_character(body),
                                   county_adcode="430104", contact_name="张三", mobile="13807310002",
                                   password="Passw0rd!x-2024")
        application = make_complete_application(db.session, enterprise=user.enterprise, campaign=campaign,
                                               stamped=stamped)
        db.session.commit()
        return app, user.login, application.id, campaign.economic_years


def section_posts(years: list[int]) -> dict:
    from tests.form_data import SECTION_POSTS

    posts = {key: dict(value) for key, value in SECTION_POSTS.items()}
    for i, year in enumerate(years):
        posts["economics"][f"years-{i}-year"] = str(year)
    return posts


def current_version(html: str) -> str:
    match = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    return match.group(1) if match else "0"


def cpu_ms(send, times: int) -> tuple[float, float]:
    """Mean and p95 CPU milliseconds of `send()` (after WARMUP calls)."""
    for _ in range(WARMUP):
        send()
    cpu = []
    for _ in range(times):
        started = time.process_time()
        response = send()
        cpu.append((time.process_time() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"floor request failed: {response.status_code}")
    return statistics.mean(cpu), sorted(cpu)[int(0.95 * (len(cpu) - 1))]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=40, help="timed saves per section")
    parser.add_argument("--profile", metavar="SECTION", help="profile saving this section with pyinstrument")
    parser.add_argument("--stamped", action="store_true",
                        help="the application has a current 盖章版 (each save voids it and checks its fingerprint)")
    parser.add_argument("--flat", action="store_true", help="the profile as a flat list of functions by own time")
    args = parser.parse_args(argv)
    cap(args.saves, MAX_SAVES, "--saves")
    folder = Path(tempfile.mkdtemp(prefix="profile-save-"))
    try:
        app, login, application_id, years = build(folder, args.stamped)
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        response = client.post("/login", data={"login": login, "password": "Passw0rd!x-2024"})
        assert response.status_code == 302, response.status_code
        posts = section_posts(years)
        keys = [args.profile] if args.profile else list(posts)
        results = {}
        profiler = None
        for key in keys:
            url = f"/applications/{application_id}/sections/{key}"
            version = current_version(client.get(url).get_data(as_text=True))
            cpu, wall = [], []
            for n in range(WARMUP + args.saves):
                if profiler is None and args.profile and n == WARMUP:
                    from pyinstrument import Profiler
                    profiler = Profiler(interval=0.0005)
                    profiler.start()
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.post(url, data={**posts[key], "version": version, "confirm_restamp": "1"}, headers={"HX-Request": "true"})
                elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
                html = response.get_data(as_text=True)
                if response.status_code != 200 or "已保存" not in html:
                    raise RuntimeError(f"saving {key} failed: {response.status_code}\n{html[:2000]}")
                version = current_version(html)
                if n >= WARMUP:
                    cpu.append(elapsed_cpu * 1000)
                    wall.append(elapsed * 1000)
            results[key] = (statistics.mean(cpu), sorted(cpu)[int(0.95 * (len(cpu) - 1))], statistics.mean(wall))
        if profiler is not None:
            profiler.stop()
            text = profiler.output_text(unicode=True, color=False, flat=args.flat)
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / "save-profile.txt").write_text(text, encoding="utf-8")
            print(text[:12000])
            return
        floor = {
            "static file GET": cpu_ms(lambda: client.get("/static/app.css"), args.saves),
            "presence heartbeat POST": cpu_ms(lambda: client.post(
                f"/applications/{application_id}/sections/basic/presence", headers={"HX-Request": "true"}),
                args.saves),
        }
        print(f"{'section':<24}{'CPU mean ms':>12}{'CPU p95 ms':>12}{'wall mean ms':>14}")
        for key, (mean, p95, wall_mean) in results.items():
            print(f"{key:<24}{mean:>12.1f}{p95:>12.1f}{wall_mean:>14.1f}")
        overall = statistics.mean(r[0] for r in results.values())
        print(f"{'all sections':<24}{overall:>12.1f}")
        for name, (mean, p95) in floor.items():
            print(f"{name:<24}{mean:>12.1f}{p95:>12.1f}")
        write_result("profile-save", {
            "stamped": args.stamped, "saves_per_section": args.saves, "mean_cpu_ms": round(overall, 2),
            "sections": {key: {"cpu_mean_ms": round(mean, 2), "cpu_p95_ms": round(p95, 2),
                               "wall_mean_ms": round(wall, 2)} for key, (mean, p95, wall) in results.items()},
            "floor": {name: {"cpu_mean_ms": round(mean, 2), "cpu_p95_ms": round(p95, 2)}
                      for name, (mean, p95) in floor.items()}})
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
