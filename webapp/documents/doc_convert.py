"""An old Word file (.doc) as .docx, through LibreOffice where the server has it (pure: bytes in, bytes out)."""
import subprocess
from pathlib import Path

from webapp.documents.pdf import office_binary, office_environment

TIMEOUT = 90


class ConversionError(RuntimeError):
    """LibreOffice could not convert the file (damaged, password-protected, or taking too long)."""


def convert_doc(data: bytes, work: Path) -> bytes:
    """The .docx of a .doc file, converted in `work`, a throwaway folder (its LibreOffice profile too)."""
    source = work / "import.doc"
    source.write_bytes(data)
    try:
        subprocess.run([office_binary(), "--headless", "--norestore", f"-env:UserInstallation=file://{work}/profile",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(source)],
                       check=True, capture_output=True, timeout=TIMEOUT, env=office_environment(work))
    except (subprocess.SubprocessError, OSError) as exc:
        raise ConversionError(str(exc)) from None
    converted = work / "out" / "import.docx"
    if not converted.is_file():
        raise ConversionError("no output")
    return converted.read_bytes()
