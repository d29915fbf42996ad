"""Generated documents kept in the process by what they were built from (pure: no Flask, no database).

An archive holds about thirty generated workbooks and letters, and rebuilding them was a third of the time before
an archive's first byte (docs/PERFORMANCE.md). A document is a pure function of its data, so the key is a digest
of that data's repr (dataclasses, strings, numbers, dates: a repr that says everything they hold): nothing is ever
invalidated, a change of the data is a new key. Kept per process, so that a new version of the code, which comes
with a restart, never meets documents an older one built. Bounded, least recently used first out.
"""
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

MAX_DOCUMENTS = 256        # a campaign's archive needs about 30; each is a few tens of KB


class ContentCache:
    def __init__(self, size: int = MAX_DOCUMENTS) -> None:
        self._size = size
        self._documents: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()          # gunicorn's threads share the process

    def get(self, kind: str, data: object, build: Callable[[], bytes]) -> bytes:
        """The document of `kind` built from `data` (by `build()`, once per process while it is kept)."""
        key = hashlib.sha256(f"{kind}\n{data!r}".encode()).digest()
        with self._lock:
            document = self._documents.get(key)
            if document is not None:
                self._documents.move_to_end(key)
                return document
        document = build()
        with self._lock:
            self._documents[key] = document
            while len(self._documents) > self._size:
                self._documents.popitem(last=False)
        return document


documents = ContentCache()
