"""Writing a file so that no reader, and no crash, ever sees half of it (no Flask, no database)."""
import os
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
                     progress: Callable[[int], None] | None = None) -> None:
    """Write `data` (bytes, or chunks of bytes) to a temporary file beside `target`, then rename it into place;
    nothing is left behind on failure. `durable`: fsync the file and its folder (not for data that can be made
    again, such as the demo's). `progress` is called with the size of each chunk written."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
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
