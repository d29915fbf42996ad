"""Benchmark of the Word export (issue: the 申报书 as a Word file).

Builds one full application (16 环节 × 3 场景, 10 pictures of about 200 KB) in a fresh instance and reports, in one
run, the median time of
  - the whole export: load the application from the database (a fresh session), read its pictures from disk,
    build the context, render and save — what the download route does;
  - the docxtpl render and save alone, for the same context with the pictures already in memory.
Targets: the whole export within 2× of the render alone, and at most 0.15 s per document.

Run: .venv/bin/python -m bench.docx_export [--repeat 15]
"""
import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from webapp import create_app
from webapp.campaigns.lookup import current_campaign
from webapp.ops.demo_data import make_complete_application, make_enterprise
from webapp.ops.demo_files import add_solution_picture, make_png
from webapp.documents import docx_builder
from webapp.core.extensions import db
from webapp.models import Application
from webapp.applications.word import read_picture, render_application

RESULTS = Path(__file__).resolve().parent / "results"


def build(app) -> int:
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["bootstrap"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        enterprise = make_enterprise(db.session, name="湖南基准测试智能装备有限公司")
        application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign(),
                                                links=16, scenarios_per_link=3, write_files=True)
        scenarios = [s for link in application.links for s in link.scenarios]
        for index in range(10):
            # 256×256 noise ≈ 197 KB of incompressible PNG: about 200 KB as the benchmark asks
            add_solution_picture(db.session, scenarios[index], make_png(256, 256, noise=True, seed=index),
                                 name=f"技术方案配图{index + 1}.png", write_file=True)
        db.session.commit()
        return application.id


def median_seconds(function, repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (the CPU figure is stable on a shared machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                          "UPLOAD_FOLDER": f"{folder}/uploads", "DOCUMENT_FOLDER": f"{folder}/documents",
                          "LOG_FOLDER": f"{folder}/logs", "SECRET_KEY": "bench"})
        application_id = build(app)
        with app.app_context():
            def whole_export():
                db.session.expunge_all()
                application = db.session.get(Application, application_id)
                return len(render_application(application, draft=True))

            application = db.session.get(Application, application_id)
            context = docx_builder.application_context(application, generated_at=application.created_at, draft=True)
            pictures = {p["stored_name"]: read_picture(p) for link in context["links"]
                        for s in link["scenarios"] for p in s["pictures"]}
            size = whole_export()
            whole, whole_cpu = median_seconds(whole_export, args.repeat)
            render, render_cpu = median_seconds(
                lambda: docx_builder.render_docx(context, lambda p: pictures[p["stored_name"]]), args.repeat)
    result = {"benchmark": "docx_export", "links": 16, "scenarios": 48, "pictures": len(pictures),
              "document_bytes": size, "repeat": args.repeat, "whole_export_median_s": round(whole, 4),
              "render_only_median_s": round(render, 4), "ratio": round(whole / render, 2),
              "whole_export_median_cpu_s": round(whole_cpu, 4), "render_only_median_cpu_s": round(render_cpu, 4),
              "target_ratio_max": 2.0, "target_seconds_max": 0.15,
              "met": whole <= 0.15 and whole / render <= 2.0,
              "load_average_1m": round(os.getloadavg()[0], 2)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "docx_export.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
