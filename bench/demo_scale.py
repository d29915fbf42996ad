"""Benchmark 2, scale data: how long `flask --app wsgi demo --applications N` takes on a fresh instance.

    .venv/bin/python -m bench.demo_scale --applications 1000              # with attachment files (the default)
    .venv/bin/python -m bench.demo_scale --applications 10000 --no-files  # database rows and Word files only
    .venv/bin/python -m bench.demo_scale --profile 40                     # where the time goes (pyinstrument)

The command runs exactly as a user runs it (the flask CLI, in a subprocess) against a fresh INSTANCE_PATH in a
temporary folder after `flask db upgrade` and `flask bootstrap`. Reported: wall time, the process's CPU time (user
+ system; the rest is waiting for the disk, fsync, or for the CPU on a shared machine), per application, and the
instance's size on disk. `--profile N` instead runs the same function in-process for N applications under
pyinstrument and writes the profile to bench/results/demo-profile.txt (and .html).
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

from bench.common import RESULTS, Instance, cap, workdir, write_result

MAX_APPLICATIONS = 20_000
MAX_SECONDS = 4 * 3600


def timed_demo(instance: Instance, count: int, no_files: bool, timeout: float) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    args = ["demo", "--applications", str(count)] + (["--no-files"] if no_files else [])
    output = instance.flask(*args, timeout=timeout).stdout.strip()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"applications": count, "files": not no_files, "seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
            "ms_per_application": round(wall / count * 1000, 1), "output": output}


def profile(count: int) -> None:
    """create_demo_applications(count) in-process under pyinstrument, on a fresh instance."""
    folder = workdir()
    instance = Instance(folder)
    try:
        instance.bootstrap()
        os.environ.update(instance.env)
        sys.path.insert(0, str(RESULTS.parent.parent))
        from pyinstrument import Profiler

        from webapp import create_app
        from webapp.ops.demo import create_demo_applications

        app = create_app()
        with app.app_context():
            profiler = Profiler(interval=0.001)
            profiler.start()
            create_demo_applications(count, write_files=True)
            profiler.stop()
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "demo-profile.txt").write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")
        (RESULTS / "demo-profile.html").write_text(profiler.output_html(), encoding="utf-8")
        print(profiler.output_text(unicode=True, color=False)[:8000])
        print(f"profile: {RESULTS / 'demo-profile.txt'}")
    finally:
        instance.remove()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--no-files", action="store_true", help="no attachment files (as demo --no-files)")
    parser.add_argument("--timeout", type=float, default=3 * 3600, help="hard stop of the demo command, seconds")
    parser.add_argument("--profile", type=int, metavar="N", help="profile the demo for N applications instead")
    args = parser.parse_args(argv)
    if args.profile:
        profile(cap(args.profile, 500, "--profile"))
        return
    cap(args.applications, MAX_APPLICATIONS, "--applications")
    cap(args.timeout, MAX_SECONDS, "--timeout")
    folder = workdir()
    instance = Instance(folder)
    try:
        instance.bootstrap()
        result = timed_demo(instance, args.applications, args.no_files, args.timeout)
        result["instance_bytes"] = instance.disk_usage()
    except subprocess.TimeoutExpired:
        result = {"applications": args.applications, "files": not args.no_files, "timed_out_after_s": args.timeout}
    finally:
        instance.remove()
    path = write_result(f"demo-{args.applications}{'-nofiles' if args.no_files else ''}", result)
    print(result)
    print(f"results: {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
