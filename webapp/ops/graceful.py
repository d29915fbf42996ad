"""The gunicorn worker of deploy/gunicorn.conf.py: gthread, with a graceful stop that resets no request.

When told to stop, a gthread worker stops accepting but keeps its copy of the listening socket open until its
requests in flight are done; connections that reach the listen backlog meanwhile are never accepted and are reset
when the last copy closes — after the client has sent its request (a POST no balancer retries). This worker, when
it stops accepting, first takes every connection already waiting in the backlog (they are served like any other),
then closes its listening sockets at once: a client that comes later is refused before it sends anything, which a
balancer retries on another host. (With keep-alive off, see gunicorn.conf.py, no idle connection is dropped either.)
"""
from gunicorn.workers.gthread import TConn, ThreadWorker


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
