"""A Word file as PDF, through LibreOffice where the server has it (pure: bytes in, bytes out)."""
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def office_binary() -> str | None:
    """LibreOffice, when installed on the server; PDF downloads are offered only then."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, timeout: int = 180) -> bytes:
    """Convert headless in a throwaway profile (two conversions at once must not share one)."""
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "shenbaoshu.docx"
        source.write_bytes(docx)
        subprocess.run([office_binary(), "--headless", "--norestore", f"-env:UserInstallation=file://{work}/profile",
                        "--convert-to", "pdf", "--outdir", work, str(source)],
                       check=True, capture_output=True, timeout=timeout)
        return (Path(work) / "shenbaoshu.pdf").read_bytes()
