"""Print the latest benchmark figures against the targets of docs/PERFORMANCE.md, from bench/results/*-latest.json.

    .venv/bin/python -m bench.report
"""
from __future__ import annotations

import json

from bench.common import RESULTS

TARGETS = {
    "save_p95_ms": 150,            # section save p95 in the rush
    "save_vs_insert": 0.25,        # closed-loop section saves / single-insert ceiling
    "page_p95_ms": 200,            # every page at 10,000 applications
    "summary_s": 2.0,              # province summary workbook, 1,000 applications
    "archive_vs_plain": 0.5,       # archive MB/s / plain streaming MB/s
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
    rush_phase = result["phases"].get("rush", {}).get("endpoints", {})
    save = rush_phase.get("POST section save", {})
    print(f"\n## Deadline rush on {result['database']} ({result['measured_at']}, load average "
          f"{result['machine']['load_average']})")
    print(f"{result['enterprises']} enterprises, think {result['think_s']} s, logins over {result.get('ramp_s')} s; "
          f"{result['users_submitted']} submitted; {result['requests']} requests")
    print("| endpoint | count | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for phase in ("login", "closed_loop", "rush"):
        for label, s in result["phases"].get(phase, {}).get("endpoints", {}).items():
            print(f"| {phase}: {label} | {s['count']} | {s.get('requests_per_s', '')} | {s['p50_ms']} | {s['p95_ms']} "
                  f"| {s['p99_ms']} | {s['errors']} |")
    c = result["ceiling"]
    print(f"| ceiling: GET /trivial | {c['trivial_page']['count']} | {c['trivial_page']['requests_per_s']} | "
          f"{c['trivial_page']['p50_ms']} | {c['trivial_page']['p95_ms']} | {c['trivial_page']['p99_ms']} | "
          f"{c['trivial_page']['errors']} |")
    print(f"| ceiling: POST /insert | {c['single_insert']['count']} | {c['single_insert']['requests_per_s']} | "
          f"{c['single_insert']['p50_ms']} | {c['single_insert']['p95_ms']} | {c['single_insert']['p99_ms']} | "
          f"{c['single_insert']['errors']} |")
    for name, phase in result["phases"].items():
        print(f"- {name}: {phase['seconds']} s wall, server CPU {phase['server_cpu_s']} s, "
              f"load generator CPU {phase['client_cpu_s']} s")
    print(f"- errors: {result['errors']} ({verdict(result['errors'] == 0)}); requests sent again after a keep-alive "
          f"close: {result.get('keepalive_retries', 0)}; \"database is locked\" in the logs: "
          f"{len(result['database_is_locked_lines'])} ({verdict(not result['database_is_locked_lines'])})")
    if save:
        print(f"- section save p95 in the rush: {save['p95_ms']} ms "
              f"({verdict(save['p95_ms'] <= TARGETS['save_p95_ms'])}, target ≤ {TARGETS['save_p95_ms']} ms)")
    ratio = result["save_throughput_vs_insert_ceiling"]
    ok = ratio is not None and ratio >= TARGETS["save_vs_insert"]
    print(f"- closed-loop section saves {result['section_save_throughput_per_s']}/s = {ratio} of the insert ceiling "
          f"({verdict(ok)}, target ≥ {TARGETS['save_vs_insert']})")
    print(f"- worker memory: {result['worker_memory_mb']}")


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
          f"({verdict(result['archive_vs_plain'] >= TARGETS['archive_vs_plain'])}, target ≥ 0.5)")
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
    for name, show in (("rush-sqlite", rush), ("rush-postgresql", rush), ("pages-sqlite", pages),
                       ("pages-postgresql", pages), ("exports", exports), ("selection", selection),
                       ("word_import", word_import)):
        result = load(name)
        if result:
            show(result)
    for path in sorted(RESULTS.glob("demo-*-latest.json")):
        demo(json.loads(path.read_text(encoding="utf-8")))


if __name__ == "__main__":
    main()
