"""Print the latest benchmark figures against the targets of docs/PERFORMANCE.md, from bench/results/*-latest.json.

    .venv/bin/python -m bench.report
"""
from __future__ import annotations

import json

from bench.common import RESULTS

TARGETS = {
    "save_p95_ms": 150,            # section save p95 in the rush
    "save_cpu_ms": 3.0,            # a section save's CPU in process (bench.profile_save), mean over the sections
    "save_vs_insert": 0.40,        # closed-loop section saves / single-insert ceiling (both with wrk)
    "page_p95_ms": 200,            # every page at 10,000 applications
    "summary_s": 2.0,              # province summary workbook, 1,000 applications
    "archive_vs_plain": 0.6,       # archive MB/s / plain streaming MB/s (round two; round one: 0.5)
    "archive_first_byte_s": 0.5,   # the archive's first byte, 11,000 entries
    "archive_memory_mb": 50,       # worker memory growth while streaming the archive
    "score_save_p95_ms": 150,      # the experts' section save, 100 at once (with think time)
    "ranking_ms": 200,             # the ranking page, 1,000 applications × 5 experts
    "assignment_s": 5.0,           # automatic assignment (propose), 300 experts
}


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}-latest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def rush(result: dict) -> None:
    """bench.locust_rush (the rush or the soak): Locust's statistics, the CPU of the server and of Locust."""
    res = result["resources"]
    print(f"\n## {result['mode']} on {result['database']} ({result['measured_at']}): {result['users']} users, "
          f"{result['minutes']} min, think {result['think_s']} s; load average during the run {res['load_average']}")
    print("| endpoint | count | failures | p50 ms | p95 ms | p99 ms | req/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in result["stats"]:
        print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['Median Response Time']} | "
              f"{row['95%']} | {row['99%']} | {float(row['Requests/s']):.1f} |")
    saves = next((r for r in result["stats"] if r["Name"] == "POST section save"), None)
    if saves and result["mode"] == "rush":
        p95 = float(saves["95%"])
        print(f"- section save p95: {p95:.0f} ms ({verdict(p95 <= TARGETS['save_p95_ms'])}, "
              f"target ≤ {TARGETS['save_p95_ms']} ms)")
    print(f"- server {res['server_cores']} cores, Locust {res['locust_cores']} cores; worker memory growth after the "
          f"first minute {res['rss_growth_mb_after_first_minute']} MB; open files {res['open_files_first_last']}")
    print(f"- \"database is locked\": {len(result['locked'])}; applications: {result['applications']['applications']}")


def ceilings(result: dict) -> None:
    """bench.ceilings: wrk's section-save, trivial-page and insert ceilings with the server's and wrk's CPU."""
    print(f"\n## Ceilings with wrk on {result['database']} ({result['measured_at']}, load average "
          f"{result['machine']['load_average']})")
    print("| measurement | req/s | p50 ms | p95 ms | errors | server cores | wrk cores |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key in ("section_save", "trivial", "insert"):
        r = result[key]
        print(f"| {key} | {r['per_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['errors']} | {r['server_cores']} | "
              f"{r['wrk_cores']} |")
    ratio = result["save_to_insert"]
    print(f"- section saves / inserts: {ratio:.1%} ({verdict(ratio >= TARGETS['save_vs_insert'])}, "
          f"target ≥ {TARGETS['save_vs_insert']:.0%})")


def profile_save(result: dict) -> None:
    """bench.profile_save: CPU per section save in process, beside the app's floor (a static file, the heartbeat)."""
    mean = result["mean_cpu_ms"]
    print(f"\n## Section save in process ({result['measured_at']}, load average {result['machine']['load_average']}"
          f"{', with a current 盖章版' if result['stamped'] else ''})")
    print(f"- mean CPU per save over {len(result['sections'])} sections: {mean} ms ({verdict(mean <= TARGETS['save_cpu_ms'])}, "
          f"target ≤ {TARGETS['save_cpu_ms']} ms)")
    for name, figures in result["floor"].items():
        print(f"- floor, {name}: {figures['cpu_mean_ms']} ms")


def pages(result: dict) -> None:
    print(f"\n## Pages on {result['database']} ({result['measured_at']}, load average "
          f"{result['machine']['load_average']}), {result['requests']} requests per page")
    for run in result["runs"]:
        t = run["targets"]
        print(f"\n{run['applications']} applications (demo {run['demo_seconds']} s"
              f"{', --no-files' if run['demo_no_files'] else ''}; 长沙市 queue {t['changsha_queue']}; "
              f"draft with {t['draft_links']} 环节; load after {run['load_average_after']})")
        print("| page | p50 ms | p95 ms | max ms | errors | KB | target p95 ≤ 200 ms |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for name, page in run["pages"].items():
            ok = page["p95_ms"] <= TARGETS["page_p95_ms"] and not page["errors"]
            print(f"| {name} | {page['p50_ms']} | {page['p95_ms']} | {page['max_ms']} | {page['errors']} | "
                  f"{page['bytes'] // 1024} | {verdict(ok)} |")


def demo(result: dict) -> None:
    print(f"\n## Demo data ({result['measured_at']}, load average {result['machine']['load_average']})")
    print(f"- {result['applications']} applications, files {result['files']}: {result.get('seconds')} s wall, "
          f"{result.get('cpu_seconds')} s CPU, {result.get('ms_per_application')} ms per application, "
          f"instance {round(result.get('instance_bytes', 0) / 2**20)} MB")


def exports(result: dict) -> None:
    p = result["in_process"]
    print(f"\n## Exports with {result['applications']} applications ({result['measured_at']}, load average "
          f"{result['machine']['load_average']})")
    best = min(result["summary_http_seconds"])
    print(f"- province summary over HTTP {result['summary_http_seconds']} s, in-process {p['summary_seconds']} s "
          f"({verdict(best <= TARGETS['summary_s'])}, target ≤ {TARGETS['summary_s']} s)")
    print(f"- one 申报书 Word file ({p['word_application_links']} 环节): {p['word_seconds']} s, "
          f"{p['word_bytes'] // 1024} KB")
    f = result["archive_files"]
    print(f"- archive: {f['entries']} entries, {f['bytes'] / 2**30:.2f} GB stored files, ZIP "
          f"{[r['mb_per_s'] for r in result['archive_runs']]} MB/s vs plain stream "
          f"{[r['mb_per_s'] for r in result['plain_stream_runs']]} MB/s = {result['archive_vs_plain']} "
          f"({verdict(result['archive_vs_plain'] >= TARGETS['archive_vs_plain'])}, "
          f"target ≥ {TARGETS['archive_vs_plain']})")
    first = max(r["first_byte_s"] for r in result["archive_runs"])
    print(f"- archive's first byte: {[r['first_byte_s'] for r in result['archive_runs']]} s "
          f"({verdict(first <= TARGETS['archive_first_byte_s'])}, target ≤ {TARGETS['archive_first_byte_s']} s)")
    print(f"- worker memory growth while streaming: ZIP {result['archive_max_rss_growth_mb']} MB, plain "
          f"{result['plain_max_rss_growth_mb']} MB "
          f"({verdict(result['archive_max_rss_growth_mb'] <= TARGETS['archive_memory_mb'])}, target ≤ 50 MB)")


def selection(result: dict) -> None:
    print(f"\n## The province's selection ({result['measured_at']}, load average before "
          f"{result['machine']['load_average']}, after {result['load_average_after']})")
    print(f"{result['reviewable']} applications in review, {result['experts']} experts, "
          f"{result['cards_submitted']} sheets submitted")
    a = result["assignment"]
    print(f"- automatic assignment: propose {a['propose_s']} s, confirm {a['confirm_s']} s "
          f"({verdict(a['propose_s'] <= TARGETS['assignment_s'])}, target ≤ {TARGETS['assignment_s']} s)")
    for kind, page in result["ranking"].items():
        print(f"- ranking {kind}: p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms "
              f"({verdict(page['p95_ms'] <= TARGETS['ranking_ms'])}, target ≤ {TARGETS['ranking_ms']} ms)")
    for phase, s in result["score_save"].items():
        if not isinstance(s, dict):
            continue
        line = (f"- score save, {phase}: {s['count']} saves, {s.get('requests_per_s')}/s, p50 {s['p50_ms']} ms, "
                f"p95 {s['p95_ms']} ms, errors {s['errors']}, server CPU {s.get('server_cpu_ms_per_save')} ms/save")
        if phase == "with_think_time":
            line += f" ({verdict(s['p95_ms'] <= TARGETS['score_save_p95_ms'])}, target ≤ 150 ms)"
        print(line)


def word_import(result: dict) -> None:
    print(f"\n## Reading a Word 申报书 for import ({result['measured_at']}, load average "
          f"{result['machine']['load_average']})")
    print(f"{result['pages']} printed pages, {result['links']} 环节, {result['scenarios']} 场景, "
          f"{result['pictures']} pictures, {result['document_bytes'] / 1e6:.1f} MB")
    print(f"- read: median {result['read_median_s']} s (CPU {result['read_median_cpu_s']} s) "
          f"({verdict(result['read_median_s'] <= result['target_read_s_max'])}, target ≤ {result['target_read_s_max']} s)")
    print(f"- preview (read + every value checked by its form): median {result['preview_median_s']} s "
          f"(CPU {result['preview_median_cpu_s']} s); import of everything once: {result['import_all_s']} s")


def main() -> None:
    for name, show in (("locust-rush-sqlite", rush), ("locust-rush-postgresql", rush), ("locust-soak-sqlite", rush),
                       ("ceilings-sqlite", ceilings), ("ceilings-postgresql", ceilings), ("pages-sqlite", pages),
                       ("pages-postgresql", pages), ("exports", exports), ("selection", selection),
                       ("word_import", word_import), ("profile-save", profile_save)):
        result = load(name)
        if result:
            show(result)
    for path in sorted(RESULTS.glob("demo-*-latest.json")):
        demo(json.loads(path.read_text(encoding="utf-8")))


if __name__ == "__main__":
    main()
