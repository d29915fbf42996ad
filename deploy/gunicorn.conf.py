"""gunicorn settings used by `make run` and the systemd unit. Override with GUNICORN_* or PORT/WORKERS/THREADS."""
import gc
import os

from webapp.ops.graceful import refuse_connections_when_stopping

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# A Python process runs on one core at a time (the GIL), and its threads take turns in 5 ms slices: two processes
# per core, each with two threads, keep the cores busy while requests wait for the database, and the kernel shares
# the cores more evenly than the GIL shares a process. On two cores this halved the rush's p95 (docs/PERFORMANCE.md)
# against 2 workers x 4 threads, for about 160 MB per worker. SQLite still has one writer at a time.
worker_class = "webapp.ops.graceful.DrainingThreadWorker"   # gthread, with a graceful stop that resets nothing
when_ready = refuse_connections_when_stopping                 # ... and no new connection once the server stops
workers = int(os.environ.get("WORKERS", str(min(2 * (os.cpu_count() or 1), 8))))
threads = int(os.environ.get("THREADS", "2"))
timeout = 120               # large exports stream for a while
# A graceful stop (SIGTERM, `systemctl stop`, a reload): the workers stop accepting, finish the requests in flight
# within graceful_timeout, then exit. No keep-alive: every answer closes its connection, so a stopping worker never
# closes a connection on which a client is already sending its next request (that POST would be reset and, being
# a POST, retried by no balancer). nginx talks to gunicorn without keep-alive anyway; a new connection to a stopped
# host is refused before anything is sent, which a balancer retries on another host. Drain a host at the balancer
# before stopping it (README).
keepalive = int(os.environ.get("KEEPALIVE", "0"))
graceful_timeout = 30
# Uploads and exports can be large; let the app decide, not a proxy buffer in gunicorn.
limit_request_field_size = 16380
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Take what the worker loaded at start (the app, its models and reference data: ~180,000 objects) out of the
    cyclic garbage collector's full passes, which otherwise walk them all: 110-160 ms inside one request, every
    few dozen pages at 10,000 applications; 9-22 ms once they are frozen (docs/PERFORMANCE.md)."""
    gc.freeze()
