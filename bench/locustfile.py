"""The deadline rush as a Locust scenario (FastHttpUser), run headless by bench/locust_rush.py:

    locust -f bench/locustfile.py --headless -u 100 -r 10 -t 10m --csv <prefix> --host http://127.0.0.1:<port>

Each user is one registered enterprise (RUSH_PLAN, a JSON file the orchestrator writes: accounts, the valid posts of
every section, the guide's 环节 and 场景). It logs in, starts its application and then, with a think time of
RUSH_THINK seconds on average between actions:
- RUSH_MODE=rush: opens and saves every section, adds 8 环节 with 2 场景 each and fills every 场景, uploads the
  three required proof files, generates its 盖章版 and uploads the stamped scan, opens the checklist, submits and
  opens the view — once; then it only reads its view;
- RUSH_MODE=soak: saves sections one after another for as long as the run lasts (the steady load of the soak).
Every answer is checked by its content (catch_response), not only by its status. Loopback only (the host given).
"""
import itertools
import json
import os
import random
import re
from urllib.parse import urlencode

from locust import FastHttpUser, between, task
from locust.exception import StopUser

PLAN = json.load(open(os.environ["RUSH_PLAN"], encoding="utf-8"))
THINK = float(os.environ.get("RUSH_THINK", "2"))
MODE = os.environ.get("RUSH_MODE", "rush")
ACCOUNTS = itertools.cycle(PLAN["accounts"])
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def multipart(fields: dict, name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"----rush{random.getrandbits(64):016x}"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n".encode("utf-8") + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# Written by the orchestrator; two different large files (the same content twice is refused as a duplicate).
BIG, BIG2, SMALL, SCAN = (open(PLAN[key], "rb").read() for key in ("big_pdf", "big_pdf_2", "small_pdf", "scan_pdf"))


class Enterprise(FastHttpUser):
    wait_time = between(0.5 * THINK, 1.5 * THINK)

    def on_start(self):
        self.account = next(ACCOUNTS)
        self.csrf = ""
        self.posts = {key: dict(value) for key, value in PLAN["section_posts"].items()}
        self.posts["basic"].update(company_name=self.account["name"], org_code=self.account["login"],
                                   county_adcode=self.account["county"])
        page = self.call("GET /login", "GET", "/login")
        token = FORM_TOKEN.search(page).group(1)
        self.call("POST /login", "POST", "/login", expect=(302,), allow_redirects=False,
                  data={"login": self.account["login"], "password": PLAN["password"], "csrf_token": token},
                  check=lambda r: "/login" not in r.headers.get("location", ""))
        self.call("GET /home", "GET", "/home")
        answer = self.call("POST /applications/start", "POST", "/applications/start", expect=(303,),
                           allow_redirects=False, raw=True)
        self.base = "/applications/" + answer.headers["location"].split("/applications/")[1].split("/")[0]
        self.call("GET section page", "GET", f"{self.base}/sections/cover")
        self.versions = {key: 0 for key in self.posts}
        self.done = False

    # -- one request, checked by its content
    def call(self, label, method, url, expect=(200,), check=None, data=None, htmx=False, body=None,
             content_type=None, raw=False, allow_redirects=True):
        headers = {"X-CSRFToken": self.csrf} if method == "POST" and self.csrf else {}
        if htmx:
            headers["HX-Request"] = "true"
        if data is not None:
            body, content_type = urlencode(data), FORM["Content-Type"]
        if content_type:
            headers["Content-Type"] = content_type
        with self.client.request(method, url, name=label, data=body, headers=headers, catch_response=True,
                                 allow_redirects=allow_redirects) as response:
            text = response.text or ""
            if response.status_code not in expect:
                response.failure(f"HTTP {response.status_code}")
                raise StopUser() if label.startswith(("POST /login", "POST /applications/start")) else _Failed()
            if check is not None and not check(response):
                response.failure("unexpected answer: " + re.sub(r"<[^>]+>|\s+", " ", text)[:600])
                raise _Failed()
            response.success()
        match = CSRF.search(text)
        if match:
            self.csrf = match.group(1)
        return response if raw else text

    def save(self, key, label="POST section save"):
        expected = self.versions[key] + 1
        marker = f'id="version" name="version" type="hidden" value="{expected}"'
        self.call(label, "POST", f"{self.base}/sections/{key}", htmx=True,
                  data=dict(self.posts[key], version=str(self.versions[key])),
                  check=lambda r: marker in r.text and "已保存" in r.text)
        self.versions[key] = expected

    def think(self):
        self.wait()

    @task
    def work(self):
        try:
            if MODE == "soak":
                self.save(random.choice(list(self.posts)))
            elif not self.done:
                self.done = True          # once, whether it succeeds or a step fails (counted as a failure)
                self.fill_in()
            else:
                self.call("GET view", "GET", self.base)
        except _Failed:
            pass

    def fill_in(self):
        for key in self.posts:
            self.call("GET section page", "GET", f"{self.base}/sections/{key}")
            self.think()
            self.save(key)
            if key == "overview":
                self.implementation()
        self.attachments()
        self.think()
        self.call("GET checklist", "GET", f"{self.base}/checklist", check=lambda r: "提交" in r.text)
        self.think()
        self.call("POST submit", "POST", f"{self.base}/submit", expect=(303,), allow_redirects=False, data={},
                  check=lambda r: r.headers.get("location", "").rstrip("/").endswith(self.base))
        self.call("GET view", "GET", self.base, check=lambda r: "已提交" in r.text)

    def implementation(self):
        page = self.call("GET section page", "GET", f"{self.base}/sections/implementation")
        version = int(re.search(r'name="version" value="(\d+)" class="impl-version"', page).group(1))
        links, scenarios = set(re.findall(r'id="link-(\d+)"', page)), set()
        for link in PLAN["links"][:8]:
            self.think()
            answer = self.call("POST add 环节", "POST", f"{self.base}/links", htmx=True,
                               data={"add-link-link": str(link["id"]), "version": str(version)},
                               check=lambda r: r.headers.get("HX-Retarget") == "#implementation-editor")
            version += 1
            block = (set(re.findall(r'id="link-(\d+)"', answer)) - links).pop()
            links.add(block)
            for index in range(2):
                guide = link["scenarios"][index] if index < len(link["scenarios"]) else None
                self.think()
                prefix = f"add-scenario-{block}"
                answer = self.call("POST add 场景", "POST", f"{self.base}/links/{block}/scenarios", htmx=True,
                                   data={f"{prefix}-scenario": str(guide) if guide else "own",
                                         f"{prefix}-own_name": "" if guide else f"自定义场景{index + 1}",
                                         "version": str(version)},
                                   check=lambda r: r.headers.get("HX-Retarget") == f"#link-{block}")
                version += 1
                scenario = (set(re.findall(r'id="scenario-(\d+)"', answer)) - scenarios).pop()
                scenarios.add(scenario)
                self.think()
                data = {f"scenario-{scenario}-{column}": text for column, text in PLAN["scenario_texts"].items()}
                data[f"scenario-{scenario}-name"] = f"智能场景{link['no']}-{index + 1}"
                data["version"] = str(version)
                marker = f'value="{version + 1}" class="impl-version" hx-swap-oob'
                self.call("POST save 场景", "POST", f"{self.base}/scenarios/{scenario}", htmx=True, data=data,
                          check=lambda r: marker in r.text and "已保存" in r.text)
                version += 1

    def attachments(self):
        self.call("GET section page", "GET", f"{self.base}/sections/attachments")
        for category, name, content, label in (
                ("license", "营业执照（副本）.pdf", BIG, "POST upload 2 MB PDF"),
                ("audit", "2025年度财务审计报告.pdf", BIG2, "POST upload 2 MB PDF"),
                ("equipment", "关键技术设备及软件清单.pdf", SMALL, "POST upload small PDF")):
            self.think()
            self.upload(category, name, content, label)
        # The 盖章版 (定稿): generated once everything is filled in, printed, stamped, scanned and uploaded.
        self.think()
        self.call("GET final page", "GET", f"{self.base}/final")
        self.call("POST generate 盖章版", "POST", f"{self.base}/final", expect=(303,), allow_redirects=False, data={},
                  check=lambda r: "#steps" in r.headers.get("location", ""))
        self.call("GET final page", "GET", f"{self.base}/final", check=lambda r: "已生成盖章版" in r.text)
        self.think()
        self.upload("stamped_scan", "盖章申报书扫描件.pdf", SCAN, "POST upload small PDF")

    def upload(self, category, name, content, label):
        body, content_type = multipart({"category": category}, "file", name, content)
        self.call(label, "POST", f"{self.base}/attachments?category={category}", htmx=True, body=body,
                  content_type=content_type, check=lambda r: "已上传 1 个文件：" in r.text)


class _Failed(Exception):
    """A step failed (already counted as a failure in the statistics): the user goes on with its next task."""
