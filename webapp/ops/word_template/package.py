"""The template file as committed: a zip with fixed dates and modes, so that building it twice gives the same bytes."""
import io
import zipfile
from pathlib import Path

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "documents" / "templates" / "shenbaoshu.docx"


def stable_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
