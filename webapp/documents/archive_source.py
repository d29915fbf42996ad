"""Stored files read into an archive: CRC-32 worked out ahead, content verified against its record on the way.

A ZIP entry's header carries its CRC-32 (see zip_writer), so a stored file is read twice:
- ahead, on a worker thread, while the entry before it streams: its CRC-32 (and that it exists with its size);
- while streaming: its SHA-256 and CRC-32 computed on a second worker thread (hashlib and zlib release the GIL, so
  the checks cost the stream little), each chunk passed on only once the next one has been read, so the last chunk
  of a file leaves only after the whole file matched the size and SHA-256 recorded in the database and the CRC-32
  its header promised. A file missing, changed since it was recorded, or changed between the two reads raises
  ArchiveIntegrityError, which breaks the stream: a wrong archive is worse than none.
The second read usually comes from the page cache.
"""
import hashlib
import logging
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024              # read stored files in chunks of 1 MB
HASH_AHEAD = 4                   # chunks waiting to be hashed, at most (memory: HASH_AHEAD × CHUNK)


class ArchiveIntegrityError(RuntimeError):
    """A stored file is missing or differs from what the database recorded: the archive must not be sent."""


class Workers:
    """The two threads of one archive, started when first needed: one works out CRC-32s ahead, one hashes the
    chunks being streamed (in order: one worker)."""

    def __init__(self) -> None:
        self._pools: dict[str, ThreadPoolExecutor] = {}

    def submit(self, kind: str, function, *args) -> Future:
        if kind not in self._pools:
            self._pools[kind] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"archive-{kind}")
        return self._pools[kind].submit(function, *args)

    def close(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)


class StoredFile:
    """A stored file as a zip_writer Source."""

    def __init__(self, entry, workers: Workers) -> None:
        self.entry = entry                    # path, source, size, sha256 (archive.Entry)
        self._workers = workers
        self._crc: Future | None = None

    def prefetch(self) -> None:
        if self._crc is None:
            self._crc = self._workers.submit("crc", self._read_crc)

    def crc(self) -> int:
        self.prefetch()
        return self._crc.result()

    def _read_crc(self) -> int:
        crc, read = 0, 0
        with self._open() as handle:
            while chunk := handle.read(CHUNK):
                read += len(chunk)
                self._check_not_larger(read)
                crc = zlib.crc32(chunk, crc)
        self._check_size(read)
        return crc

    def chunks(self) -> Iterator[bytes]:
        checks = _Checks()
        pending: deque[Future] = deque()
        read, held = 0, None
        with self._open() as handle:
            while chunk := handle.read(CHUNK):
                read += len(chunk)
                self._check_not_larger(read)
                if self.entry.size <= CHUNK:
                    checks.update(chunk)        # one chunk: nothing to overlap, and a thread hand-off costs more
                else:
                    pending.append(self._workers.submit("sha256", checks.update, chunk))
                    if len(pending) > HASH_AHEAD:
                        pending.popleft().result()
                if held is not None:
                    yield held
                held = chunk
        for update in pending:
            update.result()
        self._check_size(read)
        self._check_content(checks)
        if held is not None:
            yield held

    def _open(self):
        try:
            return open(self.entry.source, "rb")
        except OSError as exc:
            self._fail(f"cannot be read ({exc.strerror or exc})")

    def _check_not_larger(self, read: int) -> None:
        if read > self.entry.size:
            self._fail(f"is larger than the recorded {self.entry.size} bytes")

    def _check_size(self, read: int) -> None:
        if read != self.entry.size:
            self._fail(f"has {read} bytes, {self.entry.size} recorded")

    def _check_content(self, checks: "_Checks") -> None:
        if checks.digest.hexdigest() != self.entry.sha256:
            self._fail(f"has SHA-256 {checks.digest.hexdigest()}, {self.entry.sha256} recorded")
        if checks.crc != self.crc():
            self._fail("changed while the archive was being streamed (CRC-32 differs from its header's)")

    def _fail(self, problem: str):
        message = f"archive entry {self.entry.path!r} (stored file {self.entry.source}) {problem}"
        log.error("%s; the archive stream is aborted", message)
        raise ArchiveIntegrityError(message)


class _Checks:
    """SHA-256 and CRC-32 of the chunks streamed, updated in order."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.crc = 0

    def update(self, chunk: bytes) -> None:
        self.digest.update(chunk)
        self.crc = zlib.crc32(chunk, self.crc)
