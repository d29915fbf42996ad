"""Generated documents kept by what they were built from (pure: no Flask, no database).

An archive holds about thirty generated workbooks and letters, and building them was a third of the time before
an archive's first byte (docs/PERFORMANCE.md). A document is a pure function of its data and of the code that
lays it out, so the key is a digest of both: the data's repr (dataclasses, strings, numbers, dates: a repr that says
everything they hold) and the app's code with the versions of the libraries that write the files. Nothing is ever
invalidated: changed data, or a new version of the app, is a new key.

Two tiers, both bounded, least recently used first out:
- in the process, for the next download from the same worker;
- on disk, when the caller gives a folder (the document folder's `generated/`): shared by the workers and the hosts,
  and kept across restarts, so that a new worker does not build again what another one built. Each file carries
  the SHA-256 of its document; one that does not match is built again. The folder can be emptied at any time, and
  backups leave it out.
"""
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from webapp.core.files import write_atomically

MAX_DOCUMENTS = 256        # in a process; a campaign's archive needs about 30, each a few tens of KB
MAX_FILES = 2000           # on disk
SUFFIX = ".bin"
DIGEST = hashlib.sha256().digest_size   # each file starts with its document's SHA-256
# The libraries whose output is the document's bytes.
WRITERS = ("openpyxl", "docxtpl", "python-docx", "lxml", "Jinja2")
_APP = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def code_version() -> bytes:
    """A digest of the app's Python code, of this package's files (the Word templates among them) and of the
    writing libraries' versions: a deploy that changes any of them gives every document a new key."""
    digest = hashlib.sha256()
    for path in sorted(_APP.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and (path.suffix == ".py" or "documents" in path.parts):
            digest.update(f"{path.relative_to(_APP)}\0{path.stat().st_size}\0".encode())
            digest.update(path.read_bytes())
    for library in WRITERS:
        digest.update(f"{library}=={version(library)}\0".encode())
    return digest.digest()


class ContentCache:
    def __init__(self, size: int = MAX_DOCUMENTS, files: int = MAX_FILES) -> None:
        self._size, self._files = size, files
        self._documents: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()          # gunicorn's threads share the process

    def get(self, kind: str, data: object, build: Callable[[], bytes], folder: Path | None = None) -> bytes:
        """The document of `kind` built from `data` by `build()`: kept in the process, and in `folder` if given."""
        key = hashlib.sha256(code_version() + f"{kind}\n{data!r}".encode()).digest()
        with self._lock:
            document = self._documents.get(key)
            if document is not None:
                self._documents.move_to_end(key)
                return document
        path = folder / f"{key.hex()}{SUFFIX}" if folder is not None else None
        document = _read(path) if path is not None else None
        if document is None:
            document = build()
            if path is not None:
                _write(path, document, self._files)
        with self._lock:
            self._documents[key] = document
            while len(self._documents) > self._size:
                self._documents.popitem(last=False)
        return document

    def clear(self) -> None:
        """Forget what this process keeps (the folder's files stay)."""
        with self._lock:
            self._documents.clear()


def _read(path: Path) -> bytes | None:
    """The kept document, or None when it is not there or not whole."""
    try:
        stored = path.read_bytes()
    except OSError:                    # not there, or the folder unreadable: built in the process
        return None
    document = stored[DIGEST:]
    if hashlib.sha256(document).digest() != stored[:DIGEST]:
        path.unlink(missing_ok=True)
        return None
    try:
        os.utime(path)                 # recently used: the last to be pruned
    except OSError:
        pass
    return document


def _write(path: Path, document: bytes, limit: int) -> None:
    """Keep the document; a folder that cannot take it (full, read-only) costs speed, never the download."""
    try:
        # Not fsynced: a document lost in a power cut is built again.
        write_atomically(path, hashlib.sha256(document).digest() + document, durable=False)
        _prune(path.parent, limit)
    except OSError as exc:
        log.warning("generated document not kept in %s: %s", path.parent, exc)


def _prune(folder: Path, limit: int) -> None:
    """Above `limit` files, remove the least recently used down to three quarters of it (so that pruning, which
    reads every file's time, happens once in many writes). Other processes may prune at the same moment."""
    with os.scandir(folder) as found:
        names = [entry.name for entry in found if entry.name.endswith(SUFFIX)]
    if len(names) <= limit:
        return
    used = []
    for name in names:
        try:
            used.append(((folder / name).stat().st_mtime, name))
        except FileNotFoundError:
            continue
    for _, name in sorted(used)[: len(used) - limit * 3 // 4]:
        (folder / name).unlink(missing_ok=True)


documents = ContentCache()
