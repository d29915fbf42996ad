"""gunicorn settings used by `make run` and the systemd unit. Override with GUNICORN_* or PORT/WORKERS/THREADS."""
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Threads keep memory low and suit SQLite (one writer at a time; readers in parallel under WAL).
worker_class = "gthread"
workers = int(os.environ.get("WORKERS", "2"))
threads = int(os.environ.get("THREADS", "4"))
timeout = 120               # large exports stream for a while
graceful_timeout = 30
# Uploads and exports can be large; let the app decide, not a proxy buffer in gunicorn.
limit_request_field_size = 16380
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
