"""A graceful stop of gunicorn (as `systemctl stop` or a host leaving the balancer) resets no request: with the
project's gunicorn settings every answer closes its connection, requests in flight finish, and a request that comes
too late finds the port closed (refused before anything was sent: safe for a balancer to retry elsewhere)."""
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.dbsetup import postgres_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def post_until_refused(port: int, outcomes: list, stop: threading.Event) -> None:
    """POST the login form again and again, each on a new connection as the answers ask; record what happened."""
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("POST", "/login", body="login=nobody&password=wrong",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            outcomes.append(("answered", response.status, response.getheader("Connection")))
        except ConnectionRefusedError:
            outcomes.append(("refused",))
            return
        except OSError as exc:                      # reset, or closed without an answer
            outcomes.append(("broken", repr(exc)))
        finally:
            connection.close()


@pytest.mark.skipif(postgres_url() is not None, reason="runs once, on SQLite (the server's behaviour, not the database's)")
def test_a_graceful_stop_resets_no_request(tmp_path, app):
    port = free_port()
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "graceful-stop-test",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "WORKERS": "2", "THREADS": "2",
           "BIND": f"127.0.0.1:{port}"}
    env.pop("FLASK_RUN_FROM_CLI", None)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_serving(port, process)
        outcomes, stop = [], threading.Event()
        clients = [threading.Thread(target=post_until_refused, args=(port, outcomes, stop)) for _ in range(4)]
        for client in clients:
            client.start()
        time.sleep(1.5)
        process.send_signal(signal.SIGTERM)          # the graceful stop, while the clients keep posting
        process.wait(60)
        stop.set()
        for client in clients:
            client.join(60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    answered = [o for o in outcomes if o[0] == "answered"]
    assert [o for o in outcomes if o[0] == "broken"] == []
    assert len(answered) > 10 and all(o[1] < 500 for o in answered)       # (400: a POST without its CSRF token)
    assert all((o[2] or "").lower() == "close" for o in answered)       # no keep-alive to be caught in
    assert process.returncode == 0
