"""Word files as PDF, through LibreOffice where the server has it (pure: bytes in, bytes out)."""
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from webapp.documents.fonts import fontconfig_xml


@lru_cache(maxsize=1)
def office_binary() -> str | None:
    """LibreOffice, when installed on the server; PDF downloads are offered only then."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_environment(work: Path) -> dict:
    """LibreOffice's environment: fontconfig told the fallbacks of the document's Chinese fonts (LibreOffice ignores
    the ones the Word file names), so that 宋体 and 仿宋 print in a serif CJK font, 黑体 in a sans one."""
    config = work / "fonts.conf"
    config.write_text(fontconfig_xml(os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"), encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def convert_to_pdf(documents: dict[str, bytes], work: Path) -> dict[str, bytes]:
    """Convert Word files (name → bytes, names without extension) with one headless LibreOffice run in `work`, a
    throwaway folder (its profile too: two conversions at once must not share one)."""
    sources = []
    for name, data in documents.items():
        sources.append(work / f"{name}.docx")
        sources[-1].write_bytes(data)
    subprocess.run([office_binary(), "--headless", "--norestore", f"-env:UserInstallation=file://{work}/profile",
                    "--convert-to", "pdf", "--outdir", str(work), *map(str, sources)],
                   check=True, capture_output=True, timeout=60 + 120 * len(sources), env=office_environment(work))
    return {name: (work / f"{name}.pdf").read_bytes() for name in documents}
