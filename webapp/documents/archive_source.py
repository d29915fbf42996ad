"""Stored files read into an archive: verified against their record before the last byte of them is sent.

A ZIP entry's header carries its CRC-32 (see zip_writer), before the content. Two ways to have it:
- Recorded (the CRC-32 column the file's row got when it was stored, or from migration 0015): the file is read
  once. Its SHA-256 is worked out as it streams, large chunks on the hashing thread while the chunk before is
  sent, and its last chunk is held back until size and SHA-256 agree with the record: a file that differs raises
  ArchiveIntegrityError there, and the stream breaks before the entry is whole. A wrong archive is worse than none.
- Not recorded (a file whose record predates the column and could not be read by the migration): the file is
  read twice.
  - ahead, on a checking thread, while the entries before it stream (zip_writer asks up to 64 MB ahead): its size,
    SHA-256 and CRC-32. A file missing, or whose size or SHA-256 differs from what the database recorded, raises
    ArchiveIntegrityError when the stream gets to it, before its header.
  - while streaming, it is only read and sent (usually from the page cache). That it is still the file checked
    ahead is made sure by its identity: inode, size, modification and change times, compared when it is opened
    again and after its last chunk was read (the last chunk is held back until then). Stored files are written
    once, atomically, and never changed in place, so any change to one shows there.
hashlib and zlib release the GIL, so the threads hash while the stream sends.
"""
import hashlib
import logging
import os
import threading
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024              # read stored files in chunks of 1 MB
CHECKERS = 2                     # threads checking files ahead
HASHED_AHEAD = 4                 # chunks of a file being sent that the hashing thread may be behind, at most
SMALL_FILE = 256 * 1024          # hashed on the stream's own thread: handing it over would cost more


class ArchiveIntegrityError(RuntimeError):
    """A stored file is missing or differs from what the database recorded: the archive must not be sent."""


class Workers:
    """The archive's threads (started when first needed): those checking the next stored files ahead, and the one
    hashing the chunks of the file being sent (one, so that a file's chunks are hashed in order)."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._hasher: ThreadPoolExecutor | None = None
        self._local = threading.local()

    @property
    def buffer(self) -> bytearray:
        """The calling thread's read buffer, one for all its files: a new 1 MB buffer per file (most are a few KB)
        cost more than reading them, and a new object per chunk, made and freed on a thread (which has its own
        malloc arena), grew the worker's memory (docs/PERFORMANCE.md)."""
        if not hasattr(self._local, "buffer"):
            self._local.buffer = bytearray(CHUNK)
        return self._local.buffer

    def submit(self, function, *args) -> Future:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=CHECKERS, thread_name_prefix="archive-check")
        return self._pool.submit(function, *args)

    def hash(self, digest, chunk: bytes) -> Future:
        if self._hasher is None:
            self._hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-hash")
        return self._hasher.submit(digest.update, chunk)

    def close(self) -> None:
        for pool in (self._pool, self._hasher):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)


def identity(handle) -> tuple[int, int, int, int]:
    """What changes whenever a file is replaced or written to."""
    status = os.fstat(handle.fileno())
    return status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


class StoredFile:
    """A stored file as a zip_writer Source."""

    __slots__ = ("entry", "_workers", "_checked")

    def __init__(self, entry, workers: Workers) -> None:
        self.entry = entry                    # path, source, size, sha256 (archive.Entry)
        self._workers = workers
        self._checked: Future | None = None   # → (CRC-32, identity) once the file matched its record

    def prefetch(self) -> None:
        if self._checked is None and self.entry.crc32 is None:
            self._checked = self._workers.submit(self._check)

    def crc(self) -> int:
        if self.entry.crc32 is not None:
            return self.entry.crc32
        self.prefetch()
        return self._checked.result()[0]

    def _check(self) -> tuple[int, tuple]:
        digest, crc, read = hashlib.sha256(), 0, 0
        buffer = self._workers.buffer
        view = memoryview(buffer)
        with self._open() as handle:
            checked = identity(handle)
            while count := handle.readinto(buffer):
                read += count
                self._check_not_larger(read)
                digest.update(view[:count])
                crc = zlib.crc32(view[:count], crc)
        self._check_record(read, digest)
        return crc, checked

    def chunks(self) -> Iterator[bytes]:
        return _last_held_back(self._read_once() if self.entry.crc32 is not None else self._read_again())

    def _read_once(self) -> Iterator[bytes]:
        digest, read, hashing = hashlib.sha256(), 0, deque()
        handed_over = self.entry.size >= SMALL_FILE     # all of a file's chunks one way: they are hashed in order
        with self._open() as handle:
            for chunk in self._reads(handle):
                read += len(chunk)
                self._check_not_larger(read)
                if handed_over:
                    hashing.append(self._workers.hash(digest, chunk))
                    if len(hashing) > HASHED_AHEAD:
                        hashing.popleft().result()
                else:
                    digest.update(chunk)
                yield chunk
        for update in hashing:
            update.result()
        self._check_record(read, digest)

    def _read_again(self) -> Iterator[bytes]:
        self.prefetch()                      # the check runs on a checking thread, whose buffer it uses
        _crc, checked = self._checked.result()
        read = 0
        with self._open() as handle:
            self._check_same(handle, checked)
            for chunk in self._reads(handle):
                read += len(chunk)
                yield chunk
            self._check_same(handle, checked)
        if read != self.entry.size:
            self._fail(f"has {read} bytes, {self.entry.size} recorded")

    def _reads(self, handle) -> Iterator[bytes]:
        """The file in chunks, never more than the recorded size and one byte (to notice a larger file): a small
        file's read would otherwise allocate a whole chunk."""
        read = 0
        while chunk := handle.read(min(CHUNK, self.entry.size - read + 1)):
            read += len(chunk)
            yield chunk

    def _check_record(self, read: int, digest) -> None:
        if read != self.entry.size:
            self._fail(f"has {read} bytes, {self.entry.size} recorded")
        if digest.hexdigest() != self.entry.sha256:
            self._fail(f"has SHA-256 {digest.hexdigest()}, {self.entry.sha256} recorded")

    def _open(self):
        try:
            return open(self.entry.source, "rb")
        except OSError as exc:
            self._fail(f"cannot be read ({exc.strerror or exc})")

    def _check_not_larger(self, read: int) -> None:
        if read > self.entry.size:
            self._fail(f"is larger than the recorded {self.entry.size} bytes")

    def _check_same(self, handle, checked: tuple) -> None:
        if identity(handle) != checked:
            self._fail("was replaced or changed after it was checked")

    def _fail(self, problem: str):
        message = f"archive entry {self.entry.path!r} (stored file {self.entry.source}) {problem}"
        log.error("%s; the archive stream is aborted", message)
        raise ArchiveIntegrityError(message)


def _last_held_back(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, the last one only once `chunks` has ended: a source checks its file after reading its last chunk
    and raises there, so a file that fails the check never leaves whole."""
    held = None
    for chunk in chunks:
        if held is not None:
            yield held
        held = chunk
    if held is not None:
        yield held
