"""The graceful stop of deploy/gunicorn.conf.py: gthread, with a stop that resets no request.

A listening socket's backlog lives as long as its last copy (the master's and each worker's). When the last copy
closes, every connection still waiting there is reset, after its client has sent its request: a POST no balancer
retries. Two parts close that window:

- `refuse_connections_when_stopping` (the master's `when_ready` hook): when the whole server stops, before the
  master closes its copy and tells the workers to stop, a socket filter drops every new connection's first packet.
  The backlog stops growing but keeps what it holds; a client that comes later retries its SYN and is refused once
  the port is closed, before it has sent anything, which a balancer retries on another host.
- `DrainingThreadWorker`: when told to stop, a gthread worker stops accepting but keeps its copy of the socket
  until its requests in flight are done. This one first takes every connection waiting in the backlog (served like
  any other), then closes its copy at once.

Without the filter, a client that connects between a worker's last look at the backlog and its close (a window the
GIL can stretch to milliseconds while the worker's threads answer) was reset. A reload (SIGHUP) stops old workers
only: the master keeps its copy, the new workers take the backlog, and no filter is set. With keep-alive off (see
gunicorn.conf.py) no idle connection is dropped either.
"""
import ctypes
import logging
import socket
import struct
import sys

from gunicorn.workers.gthread import TConn, ThreadWorker

log = logging.getLogger(__name__)

SO_ATTACH_FILTER = 26       # <asm-generic/socket.h>; Python's socket module does not name it
# One classic BPF instruction, BPF_RET|BPF_K with k=0: keep no byte of any packet (struct sock_filter: code, jt, jf, k).
DROP_EVERY_PACKET = struct.pack("HBBI", 0x06, 0, 0, 0)


def refuse_new_connections(listeners) -> None:
    """From now on, drop the first packet of every new connection to these TCP listening sockets; the connections
    already in their backlog are untouched. Linux only; elsewhere (and for Unix sockets) nothing changes."""
    if not sys.platform.startswith("linux"):
        return
    program = ctypes.create_string_buffer(DROP_EVERY_PACKET)
    fprog = struct.pack("HP", 1, ctypes.addressof(program))      # struct sock_fprog; the kernel copies the program
    for listener in listeners:
        if listener.family not in (socket.AF_INET, socket.AF_INET6):
            continue
        try:
            listener.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
        except OSError as exc:
            log.warning("could not close %s to new connections before stopping: %s", listener, exc)


def refuse_connections_when_stopping(arbiter) -> None:
    """gunicorn's `when_ready` hook. Only when the sockets are this server's alone (not handed to a re-executed
    master or owned by systemd): the same test gunicorn makes before removing a Unix socket's file."""
    stop = arbiter.stop

    def stop_refusing_new_connections(graceful=True):
        if graceful and arbiter.reexec_pid == arbiter.master_pid == 0 and not arbiter.systemd:
            refuse_new_connections(arbiter.LISTENERS)
        stop(graceful)

    arbiter.stop = stop_refusing_new_connections


class DrainingThreadWorker(ThreadWorker):
    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive:
            for listener in self.sockets:
                self._take_waiting(listener)
                listener.close()
            self.sockets = []

    def _take_waiting(self, listener) -> None:
        listener.setblocking(False)
        while True:
            try:
                client_sock, client_addr = listener.accept()
            except OSError:             # nothing waiting any more (EAGAIN), or the socket is gone
                return
            self.nr_conns += 1
            client_sock.setblocking(True)
            self.enqueue_req(TConn(self.cfg, client_sock, client_addr, listener.getsockname()))
