"""A real ClamAV daemon for the tests: Debian's clamd on a unix socket in a temporary folder, with a local signature
database that holds only a signature of the EICAR test string (written here: no freshclam, no download)."""
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature-Local"


def start_clamd(folder: Path) -> tuple[subprocess.Popen, Path]:
    """Start clamd in `folder`; returns the process and its socket once it answers."""
    database = folder / "db"
    database.mkdir()
    # An .ndb body signature: the EICAR string anywhere in a file (e.g. inside a PDF), not only as the whole file.
    (database / "eicar.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    sock = folder / "clamd.sock"
    config = folder / "clamd.conf"
    lines = ["Foreground yes", f"LocalSocket {sock}", f"DatabaseDirectory {database}", f"TemporaryDirectory {folder}",
             f"LogFile {folder / 'clamd.log'}", f"PidFile {folder / 'clamd.pid'}"]
    if os.geteuid() == 0:
        lines.append("User root")       # as root (CI), stay root: the temporary folder is root's
    config.write_text("\n".join(lines) + "\n")
    process = subprocess.Popen([CLAMD, f"--config-file={config}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not sock.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
            raise RuntimeError(f"clamd did not start:\n{log}")
        time.sleep(0.1)
    return process, sock


def stop_clamd(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    """The socket of a clamd running for the module's tests (imported by the test modules that scan)."""
    if CLAMD is None:
        pytest.skip("clamd is not installed (Debian package clamav-daemon; .ci/run installs it)")
    process, sock = start_clamd(tmp_path_factory.mktemp("clamd"))
    yield str(sock)
    stop_clamd(process)
