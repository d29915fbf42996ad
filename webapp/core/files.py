"""Writing a file so that no reader, and no crash, ever sees half of it (no Flask, no database)."""
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

TEMP_PREFIX = ".tmp-"        # what a write in progress is called beside its target (backups leave these out)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` survive a power cut."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(target: Path, data: bytes | Iterable[bytes], *, durable: bool = True,
                     progress: Callable[[int], None] | None = None, private: bool = True) -> None:
    """Write `data` (bytes, or chunks of bytes) to a temporary file beside `target`, then rename it into place;
    nothing is left behind on failure. `durable`: fsync the file and its folder (not for data that can be made
    again, such as the demo's). `progress` is called with the size of each chunk written. `private`: readable by the
    owner only (0600: stored uploads, documents, backups); otherwise the mode any new file of the process gets (0666
    less the umask: exports handed on to others)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = _temporary_file(target.parent, private)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in [data] if isinstance(data, (bytes, bytearray)) else data:
                out.write(chunk)
                if progress:
                    progress(len(chunk))
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(target.parent)


def _temporary_file(folder: Path, private: bool) -> tuple[int, str]:
    if private:
        return tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX)
    while True:
        temp = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), str(temp)
        except FileExistsError:
            continue
