"""The application log under the instance folder, rotated by size, safe with several gunicorn workers.

Each worker process has its own handler on the same file. The standard RotatingFileHandler assumes it is alone: when
one process rotates, the others keep writing into the renamed file, and two rotating at once can remove a file that
another still writes to. Here the size check, the rotation and the write happen under an exclusive lock on a lock file
beside the log, and a process that finds the log rotated by another reopens it first.
"""
import fcntl
import logging
import os
import uuid
from logging.handlers import RotatingFileHandler

from flask import g, has_request_context


class SharedRotatingFileHandler(RotatingFileHandler):
    def __init__(self, filename, **kwargs):
        super().__init__(filename, **kwargs)
        self._lock_path = os.fspath(filename) + ".lock"

    def _reopen_if_rotated(self) -> None:
        """Another process renamed the file away: continue in the new one."""
        try:
            current = os.stat(self.baseFilename)
        except FileNotFoundError:
            current = None
        if self.stream is not None:
            opened = os.fstat(self.stream.fileno())
            if current is not None and (current.st_ino, current.st_dev) == (opened.st_ino, opened.st_dev):
                return
            self.stream.close()
            self.stream = None
        self.stream = self._open()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            with open(self._lock_path, "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    self._reopen_if_rotated()
                    if self.shouldRollover(record):
                        self.doRollover()
                    logging.FileHandler.emit(self, record)
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
        except Exception:       # noqa: BLE001  (logging must never break a request)
            self.handleError(record)


class RequestIdFilter(logging.Filter):
    """Every log line carries the request's id (or "-" outside a request), the one the 500 page shows the user."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def init_request_ids(app) -> None:
    """A short random id per request: in the X-Request-ID answer header, every log line and the error pages, so
    that what a user reports ("错误编号 …") is found in instance/logs/app.log."""
    @app.before_request
    def assign_request_id():
        g.request_id = uuid.uuid4().hex[:12]

    @app.after_request
    def send_request_id(response):
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response
