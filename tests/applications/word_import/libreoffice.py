"""Filling the blank form with LibreOffice from a script (lo_fill.py, run by Debian's python3 with its uno module),
as a stand-in for a person filling it in Word: the result is a file LibreOffice wrote."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

FILLER = Path(__file__).with_name("lo_fill.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def unavailable() -> str | None:
    if not shutil.which("soffice"):
        return "LibreOffice (soffice) is not installed"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    if probe.returncode:
        return "Debian's python3-uno is not installed"
    return None


def fill(source: bytes, edits: list[dict], work: Path) -> bytes:
    """`source` filled in by LibreOffice with `edits` (see lo_fill.py) and saved by it as .docx."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    (work / "in.docx").write_bytes(source)
    (work / "edits.json").write_text(json.dumps(edits, ensure_ascii=False), encoding="utf-8")
    subprocess.run([SYSTEM_PYTHON, str(FILLER), str(work / "in.docx"), str(work / "out.docx"),
                    str(work / "edits.json")], check=True, timeout=180, capture_output=True, cwd=work)
    return (work / "out.docx").read_bytes()


def to_doc(source: bytes, work: Path) -> bytes:
    """`source` saved by LibreOffice in the old Word format (.doc), as an old office would hand it over."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    (work / "old.docx").write_bytes(source)
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{work}/profile",
                    "--convert-to", "doc:MS Word 97", "--outdir", str(work / "out"), str(work / "old.docx")],
                   check=True, timeout=180, capture_output=True)
    return (work / "out" / "old.doc").read_bytes()
