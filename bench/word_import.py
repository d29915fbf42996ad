"""Benchmark of reading a Word 申报书 for import (issue: import a filled 申报书 Word file back into the form).

Builds one long application in a fresh instance - 16 环节 × 3 场景, 10 pictures of about 200 KB in their 技术方案,
the demo's texts (--text-factor lengthens the unlimited ones) - renders its Word file, counts its printed pages with
LibreOffice where installed (about 80; the issue asks for at least 60), and reports the median time of
  - reading the file: the package checks and the parser (word_reader.read_docx), bytes in, values out;
  - the preview: reading it and checking every value against the form of an empty application (build_plan);
  - the import of everything into that empty application, once (writes; pictures stored through the upload checks).
Target: reading ≤ 1 s.

Run: .venv/bin/python -m bench.word_import [--repeat 9] [--text-factor 1.0]
"""
import argparse
import hashlib
import re
import subprocess
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from bench.common import cap, write_result
from bench.docx_export import median_seconds
from webapp import create_app
from webapp.applications.lifecycle import start_application
from webapp.applications.word import render_application
from webapp.applications.word_import import Selection, build_plan
from webapp.applications.word_import_apply import SourceFile, apply_import
from webapp.applications.word_import_links import Choices
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.documents.pdf import convert_to_pdf, office_binary
from webapp.documents.word_reader import read_docx
from webapp.models import Application
from webapp.ops.demo_data import make_complete_application, make_enterprise
from webapp.ops.demo_files import add_solution_picture, make_png

TARGET_SECONDS = 1.0
MIN_PAGES = 60


def build(app, text_factor: float) -> tuple[bytes, int]:
    """The long application's Word file, and the id of an empty application to import it into."""
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["bootstrap"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        campaign = current_campaign()
        enterprise = make_enterprise(db.session, name="湖南长文件智能装备有限公司")
        application = make_complete_application(db.session, enterprise=enterprise, campaign=campaign, links=16,
                                                scenarios_per_link=3, text_factor=text_factor)
        scenarios = [s for link in application.links for s in link.scenarios]
        for index in range(10):
            add_solution_picture(db.session, scenarios[index * 4], make_png(256, 256, noise=True, seed=index),
                                 name=f"技术方案配图{index + 1}.png", write_file=True)
        db.session.commit()
        data = render_application(application, draft=True)
        other = make_enterprise(db.session, name="湖南导入目标智能装备有限公司")
        target = start_application(other, campaign, other.users[0])
        db.session.commit()
        return data, target.id


def printed_pages(data: bytes) -> int | None:
    if not office_binary():
        return None
    with tempfile.TemporaryDirectory() as work:
        pdf = convert_to_pdf({"long": data}, Path(work))["long"]
        try:
            info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
            return int(re.search(r"Pages:\s+(\d+)", info).group(1))
        except (OSError, subprocess.CalledProcessError, AttributeError):
            return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--text-factor", type=float, default=1.0)
    args = parser.parse_args()
    cap(args.repeat, 50, "repeat")
    cap(args.text_factor, 20, "text-factor")
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                          "UPLOAD_FOLDER": f"{folder}/uploads", "DOCUMENT_FOLDER": f"{folder}/documents",
                          "LOG_FOLDER": f"{folder}/logs", "SECRET_KEY": "bench"})
        data, target_id = build(app, args.text_factor)
        pages = printed_pages(data)
        parsed = read_docx(data)
        read, read_cpu = median_seconds(lambda: read_docx(data), args.repeat)
        with app.app_context():
            target = db.session.get(Application, target_id)
            preview, preview_cpu = median_seconds(lambda: build_plan(target, read_docx(data)), args.repeat)
            started = time.perf_counter()
            source = SourceFile("long.docx", len(data), hashlib.sha256(data).hexdigest())
            result = apply_import(target, parsed, source, target.enterprise.users[0], choices=Choices(),
                                  selection=Selection({"all"}), seen=None)
            imported = time.perf_counter() - started
    figures = {"pages": pages, "links": len(parsed.links),
               "scenarios": sum(len(link.scenarios) for link in parsed.links), "pictures": parsed.pictures,
               "document_bytes": len(data), "repeat": args.repeat,
               "text_factor": args.text_factor,
               "read_median_s": round(read, 4), "read_median_cpu_s": round(read_cpu, 4),
               "preview_median_s": round(preview, 4), "preview_median_cpu_s": round(preview_cpu, 4),
               "import_all_s": round(imported, 4), "imported_items": result.items, "skipped": len(result.skipped),
               "target_read_s_max": TARGET_SECONDS, "target_pages_min": MIN_PAGES,
               "met": read <= TARGET_SECONDS and (pages is None or pages >= MIN_PAGES)}
    path = write_result("word_import", figures)
    for key, value in figures.items():
        print(f"{key:>22}: {value}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
