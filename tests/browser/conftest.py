"""Fixtures of the browser journeys: a live server on a fresh instance folder, Chromium, contexts, screenshots.

The server is the real app (migrations, `flask bootstrap` and `flask create-user` through the CLI runner) served by
werkzeug in a background thread on 127.0.0.1 and a free port. The browser is the system's Chromium (Debian's
`chromium` package at /usr/bin/chromium); Playwright never downloads one. The journeys run on SQLite only: they are
skipped when TEST_DATABASE_URL is set (the PostgreSQL run of CI), and when Chromium or Playwright is missing.

Screenshots go to screenshots/<journey>/<nn>-<name>.png at the repository root (git-ignored).
"""
import importlib.util
import logging
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest
from flask import got_request_exception
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "screenshots"
TIMEOUT_MS = 15_000
HERE = Path(__file__).resolve().parent

# Staff accounts the fixture creates with `flask create-user` (one-time passwords, changed at first login).
UNIT_LOGIN = "cs_shenhe"
ADMIN_LOGIN = "sheng_admin"
STAFF_PASSWORD = "Hunan#Benchmark2024"


def _skip_reason() -> str | None:
    if os.environ.get("TEST_DATABASE_URL", "").strip():
        return "browser journeys run on SQLite only (TEST_DATABASE_URL is set)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run them"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -r requirements-test.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    """Skip every test of this folder, with the reason, when the journeys cannot run here."""
    reason = _skip_reason()
    if reason is None:
        return
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the item, so that fixtures can save a screenshot of a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# ---- the live server -----------------------------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    app: object
    passwords: dict[str, str]            # one-time passwords printed by `flask create-user`, by login
    errors: list[str] = field(default_factory=list)   # exceptions raised while serving a request
    story: dict = field(default_factory=dict)         # what one journey leaves for the next (ids, logins)

    def endpoints(self, prefix: str) -> list[str]:
        """The endpoints of the running app whose name starts with `prefix` (e.g. "exports.")."""
        return sorted({rule.endpoint for rule in self.app.url_map.iter_rules() if rule.endpoint.startswith(prefix)})


class QuietHandler(WSGIRequestHandler):
    """No access log line per request (hundreds per journey); server errors are still logged."""

    def log_request(self, code="-", size="-"):
        if str(code).startswith("5"):
            super().log_request(code, size)


def _cli(runner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, f"flask {' '.join(args)} failed:\n{result.output}\n{result.exception!r}"
    return result.output


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from flask_migrate import upgrade

    from webapp import create_app

    folder = tmp_path_factory.mktemp("browser-instance")
    with pytest.MonkeyPatch.context() as env:
        # load_config() reads these; keep the repository's instance/ folder out of it.
        env.setenv("INSTANCE_PATH", str(folder))
        env.setenv("SECRET_KEY", "browser-journeys")
        env.delenv("DATABASE_URL", raising=False)
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'app.db'}"})
    with app.app_context():
        upgrade()                                    # flask db upgrade
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False                  # Alembic's fileConfig() disables the loggers it does not name
    runner = app.test_cli_runner()
    _cli(runner, "bootstrap")                        # reference data, this year's campaign, demo accounts
    passwords = {}
    for login, args in ((UNIT_LOGIN, ("--role", "recommender", "--unit", "长沙市", "--name", "长沙市工信局审核员")),
                        (ADMIN_LOGIN, ("--role", "admin", "--name", "省工信厅管理员"))):
        output = _cli(runner, "create-user", "--username", login, *args)
        passwords[login] = re.search(r"一次性密码：(\S+)", output).group(1)

    server = LiveServer(url="", app=app, passwords=passwords)

    def record_error(sender, exception, **extra):
        server.errors.append(f"{type(exception).__name__}: {exception}")

    got_request_exception.connect(record_error, app)
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    server.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    thread.join(timeout=10)
    got_request_exception.disconnect(record_error, app)
    for handler in list(app.logger.handlers):      # the app's log file lives in the temporary folder
        if isinstance(handler, RotatingFileHandler):
            app.logger.removeHandler(handler)
            handler.close()
    with app.app_context():
        from webapp.core.extensions import db
        db.engine.dispose()


# ---- the browser ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        # LANGUAGE: the browser's own texts (file inputs, date fields) in Chinese, as on the users' machines, when
        # Debian's chromium-l10n is installed; English otherwise.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                              env={**os.environ, "LANGUAGE": "zh_CN"})
        yield chromium
        chromium.close()


class Shots:
    """shot(page, name): screenshots/<journey>/<nn>-<name>.png of the viewport (1366×768), or of the whole page."""

    def __init__(self, journey: str):
        self.folder = SCREENSHOTS / journey
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page, name: str, *, full_page: bool = False, at=None) -> Path:
        if at is not None:        # that element at the top of the screenshot, else the top of the page
            at.evaluate("element => { element.scrollIntoView({block: 'start'}); window.scrollBy(0, -12); }")
        else:
            page.evaluate("() => window.scrollTo(0, 0)")
        # Nothing half-swapped: wait until no HTMX request is in flight.
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
        return path


def _journey_name(request) -> str:
    return request.node.name.removeprefix("test_").split("[")[0]


@pytest.fixture
def shot(request):
    return Shots(_journey_name(request))


@pytest.fixture
def new_context(request, browser, live_server):
    """new_context(**options) → a fresh browser context (its own cookies) on the live server, 1366×768, zh-CN.

    After the test: a screenshot of every open page when the test failed, and a check that no page raised a
    JavaScript error and that the server raised no exception."""
    contexts, page_errors = [], []

    def make(**options):
        options = {"viewport": VIEWPORT, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
                   "base_url": live_server.url, "accept_downloads": True, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", lambda page: page.on("pageerror", lambda error: page_errors.append(str(error))))
        contexts.append(context)
        return context

    errors_before = len(live_server.errors)
    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = SCREENSHOTS / _journey_name(request)
        folder.mkdir(parents=True, exist_ok=True)
        for c, context in enumerate(contexts):
            for p, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(folder / f"failure-{c}-{p}.png"), full_page=True)
                except Exception:   # noqa: BLE001 - best effort, the test has failed already
                    pass
    for context in contexts:
        context.close()
    if report is not None and hasattr(report, "wasxfail"):
        return                              # an expected failure (a known bug): its errors are expected too
    server_errors = live_server.errors[errors_before:]
    assert not server_errors, f"the server raised while serving the journey: {server_errors}"
    assert not page_errors, f"JavaScript errors in the browser: {page_errors}"
