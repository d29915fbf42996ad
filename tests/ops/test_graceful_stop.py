"""A graceful stop of gunicorn (as `systemctl stop` or a host leaving the balancer) resets no request: with the
project's gunicorn settings every answer closes its connection, requests in flight finish, the connections waiting in
the backlog are served, and a request that comes too late is refused before anything was sent (safe for a balancer
to retry elsewhere)."""
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.dbsetup import postgres_url
from webapp.ops.graceful import refuse_connections_when_stopping, refuse_new_connections

ROOT = Path(__file__).resolve().parents[2]


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


@contextlib.contextmanager
def running_gunicorn(tmp_path, app):
    """The project's gunicorn with two workers, serving once this yields (port, process); killed if still running."""
    port = free_port()
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "graceful-stop-test",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "WORKERS": "2", "THREADS": "2",
           "BIND": f"127.0.0.1:{port}"}
    env.pop("FLASK_RUN_FROM_CLI", None)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_serving(port, process)
        yield port, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


ONCE_ON_SQLITE = pytest.mark.skipif(postgres_url() is not None,
                                    reason="runs once, on SQLite (the server's behaviour, not the database's)")


@pytest.mark.slow
@ONCE_ON_SQLITE
def test_a_graceful_stop_resets_no_request(tmp_path, app):
    with running_gunicorn(tmp_path, app) as (port, process):
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
    answered = [o for o in outcomes if o[0] == "answered"]
    assert [o for o in outcomes if o[0] == "broken"] == []
    assert len(answered) > 10 and all(o[1] < 500 for o in answered)       # (400: a POST without its CSRF token)
    assert all((o[2] or "").lower() == "close" for o in answered)       # no keep-alive to be caught in
    assert process.returncode == 0


@pytest.mark.slow
@ONCE_ON_SQLITE
def test_a_reload_keeps_the_port_open_to_new_connections(tmp_path, app):
    """A reload (SIGHUP, `systemctl reload`) replaces the workers on the same sockets: no filter may be left there."""
    with running_gunicorn(tmp_path, app) as (port, process):
        process.send_signal(signal.SIGHUP)
        time.sleep(3)                                   # the old workers have stopped, the new ones serve
        for _ in range(5):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            assert connection.getresponse().status == 200
            connection.close()
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    assert process.returncode == 0


def listening_socket() -> socket.socket:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    return listener


def takes_new_connections(listener: socket.socket) -> bool:
    try:
        socket.create_connection(listener.getsockname(), timeout=0.3).close()
        return True
    except TimeoutError:                # the SYN was dropped: the client would retry it
        return False


def test_a_stopping_listener_serves_its_backlog_and_refuses_a_newcomer_before_it_sends():
    listener = listening_socket()
    waiting = socket.create_connection(listener.getsockname(), timeout=5)
    waiting.sendall(b"POST /login")
    refuse_new_connections([listener])
    outcome = []

    def newcomer():
        try:
            socket.create_connection(listener.getsockname(), timeout=10)
            outcome.append("connected")
        except OSError as exc:
            outcome.append(type(exc).__name__)
    late = threading.Thread(target=newcomer)
    late.start()
    time.sleep(0.2)                     # the newcomer's SYN is dropped, not queued...
    served, _ = listener.accept()       # ...while the connection already waiting is still served
    assert served.recv(100) == b"POST /login"
    listener.close()                    # the last copy: nothing is left in the backlog to reset
    late.join(10)
    assert outcome == ["ConnectionRefusedError"]        # its retried SYN finds the port closed
    served.close()
    waiting.close()


@pytest.mark.parametrize("arbiter_state, graceful, refused", [
    ({}, True, True),                                   # systemctl stop: the sockets are this server's alone
    ({}, False, False),                                 # a quick stop (SIGQUIT/SIGINT): nothing is drained anyway
    ({"reexec_pid": 4242}, True, False),                # the old master of an upgrade: the new one shares the socket
    ({"master_pid": 4242}, True, False),                # the new master while the old one still runs
    ({"systemd": True}, True, False),                   # systemd owns the socket and hands it to the next start
])
def test_the_master_closes_its_sockets_to_newcomers_only_when_they_are_its_alone(arbiter_state, graceful, refused):
    listener = listening_socket()
    stopped = []
    arbiter = SimpleNamespace(LISTENERS=[listener], reexec_pid=0, master_pid=0, systemd=False,
                              stop=lambda graceful=True: stopped.append(graceful))
    for name, value in arbiter_state.items():
        setattr(arbiter, name, value)
    refuse_connections_when_stopping(arbiter)
    assert takes_new_connections(listener)              # setting the hook changes nothing while serving
    arbiter.stop(graceful)
    assert stopped == [graceful]
    assert takes_new_connections(listener) is not refused
    listener.close()
