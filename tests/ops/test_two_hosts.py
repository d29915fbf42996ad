"""Two app hosts on one PostgreSQL, as the README's scale-out path: a short journey that alternates between them on
every request (the session, CSRF, uploads and Word files across hosts; logout on one ends the session on the other).

Runs only when two running hosts are given, as `.ci/run` does after starting two gunicorn processes on loopback
ports against the same database and instance folder:

    TWO_HOSTS=http://127.0.0.1:8101,http://127.0.0.1:8102 pytest tests/ops/test_two_hosts.py
"""
import http.cookiejar
import io
import itertools
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from webapp.accounts.codes import check_character

HOSTS = [h.rstrip("/") for h in os.environ.get("TWO_HOSTS", "").split(",") if h.strip()]
pytestmark = [pytest.mark.two_hosts, pytest.mark.skipif(
    len(HOSTS) != 2, reason="needs two running app hosts in TWO_HOSTS (started by .ci/run)")]
PASSWORD = "Liang#Tai2026zhuji"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


class Browser:
    """One person's browser (one cookie jar) whose every request goes to the next host in turn."""

    def __init__(self):
        self.hosts = itertools.cycle(HOSTS)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
        self.served_by = []

    def open(self, path, data=None, files=None, headers=None):
        host = next(self.hosts)
        self.served_by.append(host)
        body, content_type = None, None
        if files:
            body, content_type = multipart(data or {}, files)
        elif data is not None:
            body, content_type = urllib.parse.urlencode(data).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(host + path, data=body, headers=dict(headers or {}))
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def page(self, path):
        status, headers, body = self.open(path)
        return status, headers, body.decode("utf-8", "replace")

    def token(self, path):
        _status, _headers, page = self.page(path)
        match = CSRF.search(page)
        return match.group(1) or match.group(2)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f'Content-Type: application/octet-stream\r\n\r\n'.encode() + content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def credit_code() -> str:
    body = f"91430104{uuid.uuid4().int % 10**9:09d}"
    return body + check_character(body)


def test_hosts_share_one_key_and_are_healthy():
    answers = [json.loads(urllib.request.urlopen(host + "/healthz", timeout=30).read()) for host in HOSTS]
    assert [a["status"] for a in answers] == ["ok", "ok"]
    assert answers[0]["key_id"] == answers[1]["key_id"]


def test_a_journey_alternating_between_the_hosts():
    browser, code = Browser(), credit_code()
    token = browser.token("/register")
    status, headers, _ = browser.open("/register", {
        "csrf_token": token, "company_name": "湖南双机测试智能装备有限公司", "credit_code": code, "prefecture": "430100",
        "county": "430104", "contact_name": "周八", "mobile": "13900000009", "password": PASSWORD,
        "password2": PASSWORD})
    assert status == 302, status
    status, _headers, page = browser.page("/home")                # the other host knows the session
    assert status == 200 and "湖南双机测试智能装备有限公司" in page
    status, headers, _ = browser.open("/applications/start", {"csrf_token": browser.token("/home")})
    assert status == 303
    application = re.search(r"/applications/(\d+)/", headers["Location"]).group(1)
    page = browser.page(f"/applications/{application}/sections/profile")[2]
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page).group(1)
    token = CSRF.search(page).group(1) or CSRF.search(page).group(2)
    status, _headers, _body = browser.open(f"/applications/{application}/sections/profile", {
        "csrf_token": token, "version": version, "profile": "两台主机之间交替保存的企业简介。" * 5})
    assert status in (200, 303), status
    assert "两台主机之间交替保存的企业简介" in browser.page(f"/applications/{application}/sections/profile")[2]
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    status, _headers, _body = browser.open(f"/applications/{application}/attachments?category=license",
                                           {"csrf_token": browser.token("/home"), "category": "license"},
                                           files={"file": ("营业执照.pdf", pdf)})
    assert status == 303, status
    page = browser.page(f"/applications/{application}/sections/attachments")[2]
    attachment = re.search(r'href="/attachments/(\d+)"', page).group(1)
    status, _headers, body = browser.open(f"/attachments/{attachment}")        # stored by one, read by the other
    assert status == 200 and body == pdf
    status, headers, body = browser.open(f"/applications/{application}/document.docx")
    assert status == 200 and body[:2] == b"PK"
    assert set(browser.served_by) == set(HOSTS)
    status, _headers, _body = browser.open("/logout", {"csrf_token": browser.token("/home")})
    assert status == 302
    for _ in HOSTS:                                             # logged out on both
        status, headers, _ = browser.open("/home")
        assert status == 302 and "/login" in headers["Location"]
