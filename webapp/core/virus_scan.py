"""Virus scanning through ClamAV's clamd, over its local (unix) socket, with the INSTREAM command.

Configured by one setting, CLAMD_SOCKET (the path of clamd's LocalSocket, e.g. /run/clamav/clamd.ctl on Debian);
off (empty) by default. When it is set, every upload is scanned before it is accepted, and a scanner that cannot be
reached refuses the upload (fail closed): an unscanned file never reaches a reviewer.
"""
import socket
import struct
from pathlib import Path

from flask import current_app

CHUNK = 256 * 1024
TIMEOUT_SECONDS = 60


class ScannerUnavailable(RuntimeError):
    """clamd is configured but did not answer (not running, socket missing, timeout, size limit)."""


def configured_socket() -> str | None:
    return (current_app.config.get("CLAMD_SOCKET") or "").strip() or None


def scan_file(path: Path, socket_path: str | None = None) -> str | None:
    """The name of what clamd found in the file, or None if it is clean (or scanning is off)."""
    socket_path = socket_path or configured_socket()
    if socket_path is None:
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(TIMEOUT_SECONDS)
            connection.connect(socket_path)
            connection.sendall(b"zINSTREAM\0")
            with open(path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    connection.sendall(struct.pack(">I", len(chunk)) + chunk)
            connection.sendall(struct.pack(">I", 0))
            reply = _read_reply(connection)
    except OSError as exc:
        raise ScannerUnavailable(str(exc)) from exc
    return _verdict(reply)


def _read_reply(connection: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def _verdict(reply: str) -> str | None:
    """'stream: OK' → None; 'stream: Eicar-Signature FOUND' → the signature; anything else: unavailable."""
    if reply.endswith(": OK"):
        return None
    if reply.endswith(" FOUND"):
        return reply.split(": ", 1)[-1][: -len(" FOUND")].strip()
    raise ScannerUnavailable(reply or "no answer")
