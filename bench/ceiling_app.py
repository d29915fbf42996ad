"""The ceiling of the server setup: a tiny WSGI app served by the same gunicorn config as the product.

    gunicorn -c deploy/gunicorn.conf.py bench.ceiling_app:app

Routes (none of them exist in the product):
- GET  /healthz   readiness check for bench.common.Server
- GET  /trivial   a fixed small HTML page: the cost of HTTP + gunicorn + WSGI alone
- POST /insert    reads the form body and inserts one row in one transaction: the write ceiling of the database.
                  SQLite (the default, CEILING_DB = a file path) with the product's pragmas (WAL, busy_timeout,
                  synchronous=NORMAL, see webapp/core/extensions.py); or PostgreSQL when CEILING_DATABASE_URL is set.
- GET  /stream    the files listed in CEILING_STREAM_LIST (one path a line) concatenated, read in 1 MB chunks:
                  the plain streaming rate the archive's ZIP is compared with.

Each gunicorn thread keeps one database connection (as a connection pool would).
"""
import os
import sqlite3
import threading
import time

CHUNK = 1024 * 1024
PAGE = ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>ceiling</title></head>"
        "<body><p>湖南省智能制造</p></body></html>").encode()
_local = threading.local()


def _sqlite():
    connection = sqlite3.connect(os.environ["CEILING_DB"], timeout=15, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=15000", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("CREATE TABLE IF NOT EXISTS hit (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, "
                       "created_at REAL NOT NULL)")
    return connection


def _postgres():
    import psycopg
    url = os.environ["CEILING_DATABASE_URL"]
    connection = psycopg.connect(url, autocommit=True)
    connection.execute("CREATE TABLE IF NOT EXISTS hit (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL, "
                       "created_at DOUBLE PRECISION NOT NULL)")
    return connection


def _connection():
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = _postgres() if os.environ.get("CEILING_DATABASE_URL") else _sqlite()
        _local.connection = connection
    return connection


def _insert(payload: str) -> None:
    connection = _connection()
    if isinstance(connection, sqlite3.Connection):
        # One short write transaction; BEGIN IMMEDIATE takes the write lock at once (waiting up to busy_timeout).
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("INSERT INTO hit (payload, created_at) VALUES (?, ?)", (payload, time.time()))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    else:
        with connection.transaction():
            connection.execute("INSERT INTO hit (payload, created_at) VALUES (%s, %s)", (payload, time.time()))


def _stream():
    with open(os.environ["CEILING_STREAM_LIST"], encoding="utf-8") as listing:
        paths = [line.strip() for line in listing if line.strip()]
    for path in paths:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk


def app(environ, start_response):
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
    if path in ("/healthz", "/trivial") and method == "GET":
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(PAGE)))])
        return [PAGE]
    if path == "/insert" and method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode("utf-8", "replace") if length else ""
        _insert(body[:2000])
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    if path == "/stream" and method == "GET":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return _stream()
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
    return [b"not found"]
