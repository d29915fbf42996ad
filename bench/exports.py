"""Benchmark 4, exports with 1,000 applications: the province summary workbook, one 申报书 Word file, and the full
archive ZIP (at least 2 GB of attachments) against plain streaming of the same bytes through the same server.

    .venv/bin/python -m bench.exports                       # 1,000 applications, 2.2 GB of extra attachments
    .venv/bin/python -m bench.exports --archive-gb 4 --file-mb 20

Steps, on a fresh instance (`flask db upgrade`, `flask bootstrap`, `flask demo --applications N` with files):
1. In-process (bench/instance_tool.py exports): the province summary workbook (webapp.exports.archives
   .summary_workbook: every unit's recommended applications collected and written) and one 申报书
   (webapp.word.render_application of the archived application with the most 环节), --repeat times each.
2. Large attachments: random (incompressible) files of --file-mb MB written straight into the upload folder with
   their Attachment rows (as an upload leaves them), spread over the archived applications, until --archive-gb GB.
   The free disk space is checked first (the instance needs about that much; the ZIP itself is never written to
   disk: the client reads and discards it); the temporary instance is removed at the end.
3. gunicorn started as `make run` starts it: GET /admin/summary/<year>.xlsx as the admin (--repeat times), then
   GET /admin/archive/<year>.zip read to the end, --rounds times; its MB/s and the serving worker's memory, sampled
   every 50 ms (peak RSS minus RSS before the download; and VmHWM from /proc/<pid>/status). The serving worker is
   the one whose CPU time grew most; a download that is its first archive of the run is marked with * (that
   worker had not built the archive's workbooks and letters yet: it reads them from documents/generated/, or with
   --cold-documents, which empties that folder before the server starts, builds them).
4. bench/ceiling_app.py served by the same gunicorn config: GET /stream sends the same stored files (the archive's
   entries' sources, in the same order) concatenated without ZIP, --rounds times, measured the same way.
Every file is read once before the timed downloads so that both read from the page cache. Results:
bench/results/exports-latest.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import threading
import time
from datetime import datetime
from pathlib import Path

import httpx

from bench.common import Instance, Server, cap, cpu_seconds, machine, workdir, write_result
from bench.pages import log_in

MAX_APPLICATIONS = 5000
MAX_ARCHIVE_GB = 10
MB = 1024 * 1024


class MemorySampler:
    """RSS of every worker of a server every `interval` seconds while a download runs."""

    def __init__(self, server: Server, interval: float = 0.05):
        self.server, self.interval = server, interval
        self.workers = server.workers()
        self.before = {w.pid: w.memory_info().rss for w in self.workers}
        self.hwm_before = server.worker_memory()
        self.peak = dict(self.before)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for worker in self.workers:
                try:
                    self.peak[worker.pid] = max(self.peak[worker.pid], worker.memory_info().rss)
                except Exception:          # noqa: BLE001 - a worker restarted: ignore it
                    pass
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)

    def result(self) -> dict:
        growth = {pid: round((self.peak[pid] - self.before[pid]) / MB, 1) for pid in self.before}
        return {"rss_growth_mb": growth, "max_rss_growth_mb": max(growth.values(), default=0.0),
                "rss_before_mb": {pid: round(v / MB, 1) for pid, v in self.before.items()},
                "vm_before": self.hwm_before, "vm_after": self.server.worker_memory()}


def download(client: httpx.Client, server: Server, url: str, timeout: float) -> dict:
    """GET `url` to the end (discarding the bytes); MB/s and the workers' memory while it ran."""
    received = 0
    workers = [worker.pid for worker in server.workers()]
    with MemorySampler(server) as memory:
        per_worker = {pid: cpu_seconds([pid]) for pid in workers}
        server_cpu, client_cpu = cpu_seconds(workers), cpu_seconds([os.getpid()])
        started = time.perf_counter()
        with client.stream("GET", url, timeout=timeout) as response:
            status = response.status_code
            headers_after = time.perf_counter() - started     # the archive is collected before its first byte
            for chunk in response.iter_raw(MB):
                received += len(chunk)
                if time.perf_counter() - started > timeout:
                    raise RuntimeError(f"{url}: still streaming after {timeout} s")
        seconds = time.perf_counter() - started
        server_cpu, client_cpu = cpu_seconds(workers) - server_cpu, cpu_seconds([os.getpid()]) - client_cpu
        per_worker = {pid: cpu_seconds([pid]) - before for pid, before in per_worker.items()}
    return {"status": status, "worker": max(per_worker, key=per_worker.get, default=None), "bytes": received,
            "seconds": round(seconds, 2), "first_byte_s": round(headers_after, 2),
            "mb_per_s": round(received / MB / seconds, 1),
            "mb_per_s_after_first_byte": round(received / MB / max(seconds - headers_after, 1e-9), 1),
            # The client (this process) shares the machine's cores with the server.
            "server_cores": round(server_cpu / seconds, 2), "client_cores": round(client_cpu / seconds, 2),
            **memory.result()}


def warm_page_cache(listing: str) -> None:
    with open(listing, encoding="utf-8") as paths:
        for path in paths:
            with open(path.strip(), "rb") as fh:
                while fh.read(8 * MB):
                    pass


def build(instance: Instance, args) -> dict:
    """Steps 1 and 2 on a new instance: the demo, the in-process timings and the large attachments."""
    free = shutil.disk_usage(instance.folder).free
    need = (args.archive_gb + 1) * 1024 * MB * 1.2
    if free < need:
        raise SystemExit(f"not enough free disk space in {instance.folder.parent}: {free / 2**30:.1f} GB free, "
                         f"{need / 2**30:.1f} GB needed")
    accounts = instance.bootstrap()
    started = time.perf_counter()
    instance.flask("demo", "--applications", str(args.applications), timeout=3 * 3600)
    demo_seconds = round(time.perf_counter() - started, 1)
    in_process = json.loads(instance.python("-m", "bench.instance_tool", "exports", str(args.repeat)).stdout)
    started = time.perf_counter()
    big = json.loads(instance.python("-m", "bench.instance_tool", "big-files", str(args.archive_gb),
                                     str(args.file_mb)).stdout)
    big["seconds"] = round(time.perf_counter() - started, 1)
    return {"accounts": accounts, "applications": args.applications, "demo_seconds": demo_seconds,
            "in_process": in_process, "big_files": big}


def run(args) -> dict:
    kept = Path(args.keep_instance) if args.keep_instance else None
    folder = kept or workdir()
    folder.mkdir(parents=True, exist_ok=True)
    instance = Instance(folder)
    ready = folder / "ready.json"
    reused = bool(kept and ready.exists())
    try:
        if reused:
            built = json.loads(ready.read_text())
            instance.flask("db", "upgrade", timeout=3600)       # migrations added since it was built
        else:
            built = build(instance, args)
            if kept:
                ready.write_text(json.dumps(built))
        accounts = built["accounts"]
        if args.cold_documents:
            shutil.rmtree(folder / "documents" / "generated", ignore_errors=True)
        listing = str(folder / "archive-files.txt")
        files = json.loads(instance.python("-m", "bench.instance_tool", "archive-files", listing).stdout)
        warm_page_cache(listing)
        year = datetime.now().year

        with Server(instance) as server:
            admin = log_in(server.base_url, "admin", accounts["admin"])
            summary_http = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = admin.get(f"/admin/summary/{year}.xlsx")
                summary_http.append(round(time.perf_counter() - started, 3))
                if response.status_code != 200:
                    raise RuntimeError(f"summary: HTTP {response.status_code}")
            archive, served = [], set()
            for _ in range(args.rounds):
                archive.append(download(admin, server, f"/admin/archive/{year}.zip", args.timeout))
                archive[-1]["first_in_worker"] = archive[-1]["worker"] not in served
                served.add(archive[-1]["worker"])
            admin.close()
        with Server(instance, "bench.ceiling_app:app", {"CEILING_STREAM_LIST": listing}, name="ceiling") as ceiling:
            with httpx.Client(base_url=ceiling.base_url) as client:
                plain = [download(client, ceiling, "/stream", args.timeout) for _ in range(args.rounds)]
        disk = instance.disk_usage()
    finally:
        if not kept:
            instance.remove()

    def best(runs):
        return max(r["mb_per_s"] for r in runs)
    return {
        "applications": built["applications"], "demo_seconds": built["demo_seconds"], "instance_bytes": disk,
        "in_process": built["in_process"], "summary_http_seconds": summary_http, "big_files": built["big_files"],
        "archive_files": files, "reused_instance": reused, "cold_documents": args.cold_documents,
        "archive_runs": archive, "plain_stream_runs": plain,
        "archive_mb_per_s": best(archive), "plain_mb_per_s": best(plain),
        "archive_vs_plain": round(best(archive) / best(plain), 3),
        "archive_max_rss_growth_mb": max(r["max_rss_growth_mb"] for r in archive),
        "plain_max_rss_growth_mb": max(r["max_rss_growth_mb"] for r in plain),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--archive-gb", type=float, default=2.2, help="GB of extra attachments for the archive")
    parser.add_argument("--file-mb", type=int, default=20, help="size of each extra attachment, MB")
    parser.add_argument("--repeat", type=int, default=3, help="timings of the summary and the Word file")
    parser.add_argument("--rounds", type=int, default=2, help="downloads of the archive and of the plain stream")
    parser.add_argument("--timeout", type=float, default=900, help="hard stop of one download, seconds")
    parser.add_argument("--cold-documents", action="store_true",
                        help="empty the kept workbooks and letters (documents/generated) before the server starts")
    parser.add_argument("--keep-instance", metavar="DIR",
                        help="build the instance (steps 1-2) into DIR once and reuse it on later runs (the summary "
                             "and Word timings are then those of the run that built it)")
    args = parser.parse_args(argv)
    cap(args.applications, MAX_APPLICATIONS, "--applications")
    cap(args.archive_gb, MAX_ARCHIVE_GB, "--archive-gb")
    cap(args.file_mb, 200, "--file-mb")
    cap(args.repeat, 20, "--repeat")
    cap(args.rounds, 5, "--rounds")
    cap(args.timeout, 3600, "--timeout")
    result = run(args)
    path = write_result("exports", result)
    print_report(result)
    print(f"\nresults: {path.relative_to(path.parents[2])}")


def first_byte(run: dict) -> str:
    """"0.62*": the serving worker's first archive of this run."""
    return f"{run['first_byte_s']}{'*' if run.get('first_in_worker') else ''}"


def print_report(result: dict) -> None:
    p = result["in_process"]
    print(f"\n== exports with {result['applications']} applications (load average now {machine()['load_average']})")
    print(f"   province summary: in-process {p['summary_seconds']} s, over HTTP {result['summary_http_seconds']} s "
          f"({p['summary_bytes'] // 1024} KB, {p['recommended']} recommended)")
    print(f"   one 申报书 (application {p['word_application']}, {p['word_application_links']} 环节): "
          f"{p['word_seconds']} s ({p['word_bytes'] // 1024} KB)")
    files = result["archive_files"]
    print(f"   archive: {files['files']} stored files, {files['bytes'] / 2**30:.2f} GB;"
          f" ZIP {[r['mb_per_s'] for r in result['archive_runs']]} MB/s, plain stream "
          f"{[r['mb_per_s'] for r in result['plain_stream_runs']]} MB/s → {result['archive_vs_plain']:.0%}")
    print(f"   before the first byte: ZIP {[first_byte(r) for r in result['archive_runs']]} s, plain "
          f"{[r['first_byte_s'] for r in result['plain_stream_runs']]} s; after it: ZIP "
          f"{[r['mb_per_s_after_first_byte'] for r in result['archive_runs']]} MB/s")
    print(f"   cores used (server / client): ZIP "
          f"{[(r['server_cores'], r['client_cores']) for r in result['archive_runs']]}, plain "
          f"{[(r['server_cores'], r['client_cores']) for r in result['plain_stream_runs']]}")
    print(f"   worker RSS growth during the ZIP: {result['archive_max_rss_growth_mb']} MB "
          f"(plain stream: {result['plain_max_rss_growth_mb']} MB)")


if __name__ == "__main__":
    main()
