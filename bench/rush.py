"""Benchmark 1, the deadline rush: N enterprises fill in and submit their 申报书 at once, against gunicorn started as
`make run` starts it (same config file) on a fresh instance; then, in the same run, the ceiling of that server setup.

    .venv/bin/python -m bench.rush --enterprises 100              # SQLite (the default setup)
    .venv/bin/python -m bench.rush --enterprises 100 --database postgresql   # a throwaway PostgreSQL on loopback
    .venv/bin/python -m bench.rush --enterprises 100 --database postgresql --hosts 2   # two app hosts, one database

Steps (all HTTP to 127.0.0.1 only; every phase bounded in time, the whole run by --max-duration):
1. Setup: a fresh INSTANCE_PATH in a temporary folder, `flask db upgrade`, `flask bootstrap`, N enterprises
   registered through the app's own code (bench/instance_tool.py) so that the rush is about saving.
2. gunicorn -c deploy/gunicorn.conf.py wsgi:app. Each virtual enterprise (one thread, its own cookies) logs in
   (GET+POST /login), starts its application and opens the form.
3. Closed loop (--saturation seconds, no think time): every enterprise saves sections as fast as it can (the
   section's hidden version tracked as the browser does). This is the section-save throughput of the server.
4. The rush, with think time between a user's actions (--think, mean seconds; 0 = none): open and save every
   section of tests/form_data.py's SECTION_POSTS (HTMX posts as the browser sends them), add 8 环节 with
   --scenarios-per-link 场景 each and fill every 场景 through the real endpoints of webapp/applications/views/implementation.py,
   upload two 2 MB PDFs (营业执照, 审计报告) and two small ones (设备清单, 盖章扫描件: the required categories),
   open the checklist and submit. Every answer is checked (status and content), not only its status code.
5. The ceiling, served by the same gunicorn config: bench/ceiling_app.py's trivial page and single-row insert,
   each for --ceiling seconds with the same N client threads and no think time.
Reported: per endpoint requests/s, p50/p95/p99 and errors; "database is locked" lines in the server's logs; the
workers' peak memory; server and client CPU per phase; the applications' final states; section-save throughput as
a fraction of the insert ceiling. The JSON goes to bench/results/rush-<database>-latest.json.
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import httpx
import psutil

from bench.common import (
    REPO, Instance, Server, app_log, cap, latency_summary, locked_lines, machine, postgres_cluster, workdir, write_result,
)

MAX_ENTERPRISES = 300
MAX_DURATION = 1800          # seconds, the whole load (all phases)
MAX_PHASE = 300              # seconds, one closed-loop phase
MAX_REQUESTS = 200_000       # all requests of the run
PASSWORD = "Bench-Passw0rd!x"
MB = 1024 * 1024
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
SCENARIO_TEXTS = {
    "description": "在装配车间部署18台六轴工业机器人与AGV智能搬运车，与MES制造执行系统实时交互，形成覆盖生产作业全过程的数字化作业单元。",
    "pain_points": "订单品种多、批量小，换型频繁，计划与现场执行脱节，在制品积压严重；关键数据靠纸质单据传递，追溯一批次问题平均需要24小时。",
    "solution": ("以MES制造执行系统为核心，集成机器视觉检测系统与边缘计算网关，通过OPC UA协议采集设备实时数据，"
                 "在边缘侧完成数据清洗和特征提取，再上传至工业互联网平台；基于历史数据训练工艺参数优化模型，对关键工序进行闭环控制。"
                 "该方案由树根互联股份有限公司提供软件平台并联合我公司信息化团队实施。"),
    "safeguards": "成立由分管副总经理任组长的数字化专班，制定作业规范等6项企业标准，组织专项培训8期，累计培训320人次。",
    "results": "场景建成后生产效率提升32%，产品一次交检合格率由95.1%提高到99.2%，操作人员由12人减少至4人，年节约生产成本约860万元。",
    "other": "该场景的建设经验已推广到公司其他3个车间，带动整体产能提升9%。",
}


def pdf_of_size(size: int, text: str) -> bytes:
    """webapp.demo_data.minimal_pdf padded to `size` bytes after its %%EOF (still starts with %PDF-)."""
    from webapp.ops.demo_files import minimal_pdf

    pdf = minimal_pdf(text)
    return pdf + b"%" + b"0" * max(0, size - len(pdf) - 2) + b"\n"


# ---- recording ---------------------------------------------------------------------------------------------------

@dataclass
class Sample:
    phase: str
    label: str
    seconds: float
    ok: bool


class Recorder:
    def __init__(self, max_requests: int):
        self.samples: list[Sample] = []
        self.failures: list[str] = []
        self.counters: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.max_requests = max_requests

    def count(self, name: str) -> None:
        with self.lock:
            self.counters[name] += 1

    def add(self, sample: Sample, failure: str | None = None) -> None:
        with self.lock:
            self.samples.append(sample)
            if failure and len(self.failures) < 50:
                self.failures.append(failure)

    @property
    def exhausted(self) -> bool:
        return len(self.samples) >= self.max_requests

    def summary(self, phase: str, duration: float) -> dict:
        by_label = defaultdict(list)
        errors = defaultdict(int)
        for s in self.samples:
            if s.phase != phase:
                continue
            by_label[s.label].append(s.seconds)
            errors[s.label] += 0 if s.ok else 1
        return {label: latency_summary(values, duration, errors[label]) for label, values in sorted(by_label.items())}


class StepFailed(Exception):
    pass


class OutOfTime(Exception):
    pass


class Hosts:
    """Several app hosts (gunicorn, same config file) on one instance folder and database, with the same SECRET_KEY:
    the README's scale-out path on one machine. WORKERS per host is the single host's count divided among them, so
    the machine runs as many workers as with one host (this measures correctness and overhead, not scaling)."""

    def __init__(self, instance: Instance, count: int):
        workers = max(1, min(2 * (psutil.cpu_count() or 1), 8) // count)
        self.servers = [Server(instance, extra_env={"WORKERS": str(workers)}, name=f"app{n + 1}")
                        for n in range(count)]
        self.base_url = self.servers[0].base_url
        self.ports = [server.port for server in self.servers]
        self.process = self.servers[0].process

    def workers(self) -> list[psutil.Process]:
        others = [psutil.Process(s.process.pid) for s in self.servers[1:] if s.process.poll() is None]
        return [w for s in self.servers for w in s.workers()] + others

    def worker_memory(self) -> dict:
        return {f"{n + 1}:{pid}": memory for n, s in enumerate(self.servers) for pid, memory in s.worker_memory().items()}

    def log_text(self) -> str:
        return "\n".join(s.log_text() for s in self.servers)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for server in self.servers:
            server.stop()


@dataclass
class Plan:
    base_url: str
    section_posts: dict
    links: list[dict]
    scenarios_per_link: int
    think: float
    big_pdf: bytes
    small_pdf: bytes
    deadline: float                           # time.monotonic() after which every user stops
    recorder: Recorder
    phase: str = "login"
    ports: list = field(default_factory=list)    # several hosts: every request goes to the next one


@dataclass
class User:
    """One virtual enterprise: its own HTTP client (cookies), its application and the versions its pages carry."""

    login: str
    plan: Plan
    seed: int
    account: dict                             # login, county, name (the basic section must match the registration)
    client: httpx.Client = field(init=False)
    csrf: str = ""
    application_id: int = 0
    versions: dict = field(default_factory=dict)
    impl_version: int = 0
    failed: str | None = None
    submitted: bool = False

    def __post_init__(self):
        hooks = {}
        if len(self.plan.ports) > 1:
            ports = itertools.cycle(self.plan.ports)
            hooks["request"] = [lambda request: setattr(request, "url", request.url.copy_with(port=next(ports)))]
        self.client = httpx.Client(base_url=self.plan.base_url, timeout=120, follow_redirects=False,
                                   event_hooks=hooks)
        self.rng = random.Random(self.seed)
        self.posts = {key: dict(value) for key, value in self.plan.section_posts.items()}
        self.posts["basic"].update(company_name=self.account["name"], org_code=self.login,
                                   county_adcode=self.account["county"])

    # -- HTTP with accounting
    def request(self, label: str, method: str, url: str, expect=(200,), check=None, htmx=False, **kwargs):
        plan = self.plan
        if time.monotonic() > plan.deadline or plan.recorder.exhausted:
            raise OutOfTime()
        headers = kwargs.pop("headers", {})
        if method == "POST" and self.csrf:
            headers["X-CSRFToken"] = self.csrf
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        failure = None
        response = None
        try:
            try:
                response = self.client.request(method, url, headers=headers, **kwargs)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # The server closed an idle keep-alive connection just as this request went out on it (gunicorn's
                # keepalive is 2 s). Browsers send the request again on a new connection; so do we, and count it.
                plan.recorder.count("keepalive_retries")
                response = self.client.request(method, url, headers=headers, **kwargs)
            if response.status_code not in expect:
                failure = f"{label} {url}: HTTP {response.status_code}"
            elif check is not None and not check(response):
                errors = re.findall(r'class="field-errors[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
                detail = re.sub(r"<[^>]+>|\s+", " ", " ".join(errors))[:300] if errors else response.text[:300]
                failure = f"{label} {url}: unexpected answer ({response.status_code}) {detail!r}"
        except httpx.HTTPError as exc:
            failure = f"{label} {url}: {type(exc).__name__} {exc}"
        elapsed = time.perf_counter() - started
        plan.recorder.add(Sample(plan.phase, label, elapsed, failure is None), failure)
        if failure:
            raise StepFailed(failure)
        match = CSRF.search(response.text) if response.headers.get("content-type", "").startswith("text/html") else None
        if match:
            self.csrf = match.group(1)
        return response

    def think(self) -> None:
        if self.plan.think > 0:
            pause = self.rng.uniform(0.5, 1.5) * self.plan.think
            remaining = self.plan.deadline - time.monotonic()
            if remaining <= 0:
                raise OutOfTime()
            time.sleep(min(pause, remaining))

    # -- the flow
    def log_in(self) -> None:
        page = self.request("GET /login", "GET", "/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
        self.think()
        self.request("POST /login", "POST", "/login", expect=(302,),
                     data={"login": self.login, "password": PASSWORD, "csrf_token": token.group(1) if token else ""},
                     check=lambda r: "/login" not in r.headers.get("location", ""))
        self.request("GET /home", "GET", "/home")

    def start(self) -> None:
        self.think()
        response = self.request("POST /applications/start", "POST", "/applications/start", expect=(303,))
        self.application_id = int(response.headers["location"].split("/applications/")[1].split("/")[0])
        self.request("GET section page", "GET", f"/applications/{self.application_id}/sections/cover")
        self.versions = {key: 0 for key in self.plan.section_posts}

    def save_section(self, key: str, label: str = "POST section save") -> None:
        expected = self.versions[key] + 1
        marker = f'id="version" name="version" type="hidden" value="{expected}"'
        data = dict(self.posts[key], version=str(self.versions[key]))
        self.request(label, "POST", f"/applications/{self.application_id}/sections/{key}", htmx=True, data=data,
                     check=lambda r: marker in r.text and "已保存" in r.text)
        self.versions[key] = expected

    def closed_loop(self, until: float) -> int:
        """Save sections one after another, no think time, until `until`; returns the number of saves."""
        keys = list(self.plan.section_posts)
        done = 0
        while time.monotonic() < until:
            self.save_section(keys[(self.seed + done) % len(keys)], "POST section save (closed loop)")
            done += 1
        return done

    def fill_in(self) -> None:
        base = f"/applications/{self.application_id}"
        for key in self.plan.section_posts:
            self.request("GET section page", "GET", f"{base}/sections/{key}")
            self.think()
            self.save_section(key)
            if key == "overview":                     # 三 comes after 二 in the form
                self.implementation()
        self.attachments()
        self.think()
        self.request("GET checklist", "GET", f"{base}/checklist", check=lambda r: "提交" in r.text)
        self.think()
        self.request("POST submit", "POST", f"{base}/submit", expect=(303,),
                     check=lambda r: r.headers.get("location", "").rstrip("/").endswith(base))
        self.request("GET view", "GET", base, check=lambda r: "已提交" in r.text)
        self.submitted = True

    def implementation(self) -> None:
        base = f"/applications/{self.application_id}"
        page = self.request("GET section page", "GET", f"{base}/sections/implementation")
        self.impl_version = int(re.search(r'name="version" value="(\d+)" class="impl-version"', page.text).group(1))
        seen_links: set[str] = set(re.findall(r'id="link-(\d+)"', page.text))
        seen_scenarios: set[str] = set()
        for link in self.plan.links[:8]:
            self.think()
            v = self.impl_version
            response = self.request("POST add 环节", "POST", f"{base}/links", htmx=True,
                                    data={"add-link-link": str(link["id"]), "version": str(v)},
                                    check=lambda r: r.headers.get("HX-Retarget") == "#implementation-editor")
            self.impl_version = v + 1
            new = set(re.findall(r'id="link-(\d+)"', response.text)) - seen_links
            if len(new) != 1:
                raise StepFailed(f"add link: cannot find the new block ({new})")
            block = new.pop()
            seen_links.add(block)
            for index in range(self.plan.scenarios_per_link):
                guide = link["scenarios"][index] if index < len(link["scenarios"]) else None
                self.think()
                v = self.impl_version
                prefix = f"add-scenario-{block}"
                data = {f"{prefix}-scenario": str(guide) if guide else "own",
                        f"{prefix}-own_name": "" if guide else f"环节{link['no']}全过程数字化管理（第{index + 1}项）",
                        "version": str(v)}
                response = self.request("POST add 场景", "POST", f"{base}/links/{block}/scenarios", htmx=True,
                                        data=data, check=lambda r: r.headers.get("HX-Retarget") == f"#link-{block}")
                self.impl_version = v + 1
                new = set(re.findall(r'id="scenario-(\d+)"', response.text)) - seen_scenarios
                if len(new) != 1:
                    raise StepFailed(f"add scenario: cannot find the new block ({new})")
                scenario = new.pop()
                seen_scenarios.add(scenario)
                self.think()
                v = self.impl_version
                data = {f"scenario-{scenario}-{column}": text for column, text in SCENARIO_TEXTS.items()}
                data[f"scenario-{scenario}-name"] = f"智能场景{link['no']}-{index + 1}"
                data["version"] = str(v)
                marker = f'value="{v + 1}" class="impl-version" hx-swap-oob'
                self.request("POST save 场景", "POST", f"{base}/scenarios/{scenario}", htmx=True, data=data,
                             check=lambda r: marker in r.text and "已保存" in r.text)
                self.impl_version = v + 1

    def attachments(self) -> None:
        base = f"/applications/{self.application_id}"
        self.request("GET section page", "GET", f"{base}/sections/attachments")
        uploads = [("license", "营业执照（副本）.pdf", self.plan.big_pdf, "POST upload 2 MB PDF"),
                   ("audit", "2025年度财务审计报告.pdf", self.plan.big_pdf, "POST upload 2 MB PDF"),
                   ("equipment", "关键技术设备及软件清单.pdf", self.plan.small_pdf, "POST upload small PDF"),
                   ("stamped_scan", "盖章申报书扫描件.pdf", self.plan.small_pdf, "POST upload small PDF")]
        for category, name, data, label in uploads:
            self.think()
            self.request(label, "POST", f"{base}/attachments?category={category}", htmx=True,
                         data={"category": category}, files={"file": (name, data, "application/pdf")},
                         check=lambda r: "已上传 1 个文件：" in r.text)

    def close(self) -> None:
        self.client.close()


# ---- phases -------------------------------------------------------------------------------------------------------

def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


class PhaseClock:
    """Wall time and the CPU seconds of the server (master and workers) and of this load generator in one phase."""

    def __init__(self, server: Server):
        self.server = server
        self.me = psutil.Process()

    def __enter__(self):
        self.processes = [psutil.Process(self.server.process.pid), *self.server.workers()]
        self.start = time.monotonic()
        self.server_cpu = cpu_seconds(self.processes)
        self.client_cpu = cpu_seconds([self.me])
        return self

    def __exit__(self, *exc):
        self.duration = time.monotonic() - self.start
        self.server_cpu = cpu_seconds(self.processes) - self.server_cpu
        self.client_cpu = cpu_seconds([self.me]) - self.client_cpu

    def as_dict(self) -> dict:
        return {"seconds": round(self.duration, 2), "server_cpu_s": round(self.server_cpu, 2),
                "client_cpu_s": round(self.client_cpu, 2)}


def run_users(users: list[User], body, timeout: float) -> None:
    """Run body(user) for every user in its own thread; wait at most `timeout` seconds."""
    def target(user: User):
        if user.failed:
            return
        try:
            body(user)
        except StepFailed as exc:
            user.failed = str(exc)
        except OutOfTime:
            user.failed = user.failed or "out of time"
        except Exception as exc:          # noqa: BLE001 - a broken user must not hang the benchmark
            user.failed = f"{type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=target, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


def closed_loop(base_url: str, clients: int, seconds: float, method: str, path: str, data: dict | None,
                warmup: float = 3.0) -> dict:
    """`clients` threads sending the same request back to back for `warmup` + `seconds`; the latency summary of the
    last `seconds` (the first ones, while the clients open their connections, are not counted)."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    counted_from = time.monotonic() + warmup
    until = counted_from + seconds

    def loop():
        with httpx.Client(base_url=base_url, timeout=60) as client:
            while time.monotonic() < until:
                started = time.perf_counter()
                try:
                    ok = client.request(method, path, data=data).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                if time.monotonic() < counted_from:
                    continue
                with lock:
                    latencies.append(elapsed)
                    errors[0] += 0 if ok else 1
                    if len(latencies) >= MAX_REQUESTS:
                        return

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(warmup + seconds + 120)
    return latency_summary(latencies, max(time.monotonic(), until) - counted_from, errors[0])


def section_posts(economic_years: list[int]) -> dict:
    """tests/form_data.py's valid posts, the economic years set to the campaign's."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.form_data import SECTION_POSTS

    posts = {key: dict(value) for key, value in SECTION_POSTS.items()}
    for index, year in enumerate(economic_years):
        posts["economics"][f"years-{index}-year"] = str(year)
    return posts


def rush(args, instance: Instance) -> dict:
    started = time.monotonic()
    accounts = instance.bootstrap()
    setup = json.loads(instance.python("-m", "bench.instance_tool", "enterprises", str(args.enterprises),
                                       PASSWORD).stdout)
    setup_seconds = time.monotonic() - started
    recorder = Recorder(MAX_REQUESTS)
    result: dict = {"database": instance.database, "enterprises": args.enterprises, "think_s": args.think,
                    "ramp_s": args.ramp, "saturation_s": args.saturation,
                    "scenarios_per_link": args.scenarios_per_link, "setup_s": round(setup_seconds, 1),
                    "demo_accounts": sorted(accounts)}
    links = [link for link in setup["links"] if link["scenarios"]]
    result["hosts"] = args.hosts
    with (Hosts(instance, args.hosts) if args.hosts > 1 else Server(instance)) as server:
        plan = Plan(server.base_url, section_posts(setup["economic_years"]), links, args.scenarios_per_link,
                    args.think, pdf_of_size(2 * MB, "营业执照"), pdf_of_size(40 * 1024, "扫描件"),
                    deadline=time.monotonic() + args.max_duration, recorder=recorder,
                    ports=getattr(server, "ports", []))
        users = [User(account["login"], plan, seed, account) for seed, account in enumerate(setup["accounts"])]
        phases = {}

        plan.phase = "login"
        ramp_start = time.monotonic()

        def arrive(user: User) -> None:
            # Users arrive spread over --ramp seconds, as they do in a real rush (not all in the same second).
            time.sleep(max(0.0, ramp_start + args.ramp * user.seed / len(users) - time.monotonic()))
            user.log_in()
            user.start()

        with PhaseClock(server) as clock:
            run_users(users, arrive, args.max_duration)
        phases["login"] = clock

        # The first 3 s are not counted (their own phase): the users open new connections (keep-alive ran out).
        plan.phase = "closed_loop_warmup"
        until = time.monotonic() + 3 + args.saturation
        clock = PhaseClock(server)

        def count_from_now():
            plan.phase = "closed_loop"
            clock.__enter__()

        timer = threading.Timer(3, count_from_now)
        timer.start()
        run_users(users, lambda u: u.closed_loop(until), args.saturation + 120)
        timer.join()
        clock.__exit__(None, None, None)
        phases["closed_loop"] = clock

        if not args.no_flow:
            plan.phase = "rush"
            with PhaseClock(server) as clock:
                run_users(users, lambda u: u.fill_in(), max(0.0, plan.deadline - time.monotonic()) + 60)
            phases["rush"] = clock
        memory = server.worker_memory()
        server_log = server.log_text()
    for user in users:
        user.close()
    status = json.loads(instance.python("-m", "bench.instance_tool", "status").stdout)

    # The ceiling of the same server setup (same gunicorn config), same client threads, no think time.
    ceiling_env = ({"CEILING_DATABASE_URL": instance.database_url} if instance.database_url
                   else {"CEILING_DB": str(instance.folder / "ceiling.db")})
    with Server(instance, "bench.ceiling_app:app", ceiling_env, name="ceiling") as ceiling:
        trivial = closed_loop(ceiling.base_url, args.enterprises, args.ceiling, "GET", "/trivial", None)
        insert = closed_loop(ceiling.base_url, args.enterprises, args.ceiling, "POST", "/insert",
                             {"payload": "湖南省智能制造标杆申报" * 10})
        ceiling_log = ceiling.log_text()

    saves = recorder.summary("closed_loop", phases["closed_loop"].duration).get("POST section save (closed loop)", {})
    result.update({
        "phases": {name: {**clock.as_dict(), "endpoints": recorder.summary(name, clock.duration)}
                   for name, clock in phases.items()},
        "ceiling": {"trivial_page": trivial, "single_insert": insert, "clients": args.enterprises,
                    "seconds": args.ceiling},
        "section_save_throughput_per_s": saves.get("requests_per_s"),
        "save_throughput_vs_insert_ceiling": (round(saves["requests_per_s"] / insert["requests_per_s"], 3)
                                              if saves.get("requests_per_s") and insert.get("requests_per_s")
                                              else None),
        "errors": sum(1 for s in recorder.samples if not s.ok),
        "requests": len(recorder.samples),
        "keepalive_retries": recorder.counters["keepalive_retries"],
        "failures": recorder.failures[:20],
        "users_failed": sum(1 for u in users if u.failed),
        "users_failed_reasons": sorted({u.failed for u in users if u.failed})[:10],
        "users_submitted": sum(1 for u in users if u.submitted),
        "final_status": status,
        "database_is_locked_lines": locked_lines(server_log, ceiling_log, app_log(instance))[:20],
        "database_is_locked_where": locked_where(server_log)[:10],
        "worker_memory_mb": memory,
        "server_errors_in_log": [line for line in server_log.splitlines()
                                 if " 500 " in line or "Traceback" in line or "[ERROR]" in line][:20],
    })
    return result


def locked_where(log: str) -> list[str]:
    """For each "database is locked" traceback, the app's frames in it (where the lock wait ran out)."""
    out = []
    for block in log.split("Traceback (most recent call last):")[1:]:
        head = block.split("\n\n")[0]
        if "database is locked" not in block[:20000]:
            continue
        frames = re.findall(r'File ".*?/(webapp/[^"]+)", line (\d+), in (\w+)', block[:20000])
        out.append(" > ".join(f"{path}:{line} {name}" for path, line, name in frames[:8]) or head[:200])
    return out


def print_report(result: dict) -> None:
    print(f"\n== deadline rush: {result['enterprises']} enterprises on {result['database']}, "
          f"{result.get('hosts', 1)} host(s), "
          f"think {result['think_s']} s (load average now {machine()['load_average']})")
    for name, phase in result["phases"].items():
        print(f"-- {name}: {phase['seconds']} s, server CPU {phase['server_cpu_s']} s, "
              f"client CPU {phase['client_cpu_s']} s")
        print(f"   {'endpoint':<36}{'count':>7}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>7}")
        for label, s in phase["endpoints"].items():
            print(f"   {label:<36}{s['count']:>7}{s.get('requests_per_s', 0):>8}{s['p50_ms']:>8}{s['p95_ms']:>8}"
                  f"{s['p99_ms']:>8}{s['errors']:>7}")
    c = result["ceiling"]
    print(f"-- ceiling ({c['clients']} clients, {c['seconds']} s each): "
          f"trivial page {c['trivial_page']['requests_per_s']}/s "
          f"(p95 {c['trivial_page']['p95_ms']} ms), single insert {c['single_insert']['requests_per_s']}/s "
          f"(p95 {c['single_insert']['p95_ms']} ms)")
    print(f"-- section saves {result['section_save_throughput_per_s']}/s = "
          f"{result['save_throughput_vs_insert_ceiling']} of the insert ceiling")
    print(f"-- errors {result['errors']} of {result['requests']} requests ({result['keepalive_retries']} sent again "
          f"after a keep-alive connection closed); users failed {result['users_failed']}; "
          f"submitted {result['users_submitted']}; final states {result['final_status']['applications']}")
    print(f"-- 'database is locked' lines: {len(result['database_is_locked_lines'])}; "
          f"worker memory {result['worker_memory_mb']}")
    for failure in result["failures"][:5]:
        print("   failure:", failure[:300])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100)
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean think time between one user's actions, seconds (uniform 0.5–1.5 × this; 0 = none)")
    parser.add_argument("--ramp", type=float, default=10, help="users log in spread over this many seconds")
    parser.add_argument("--scenarios-per-link", type=int, default=2)
    parser.add_argument("--saturation", type=float, default=20, help="closed-loop section-save phase, seconds")
    parser.add_argument("--ceiling", type=float, default=15, help="each ceiling phase, seconds")
    parser.add_argument("--max-duration", type=float, default=900, help="hard stop of the rush phase, seconds")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--no-flow", action="store_true",
                        help="skip step 4 (the rush itself): only logins, the closed loop and the ceiling")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder (its path is printed)")
    parser.add_argument("--hosts", type=int, default=1,
                        help="app hosts on the same instance and database; each request goes to the next one")
    args = parser.parse_args(argv)
    cap(args.enterprises, MAX_ENTERPRISES, "--enterprises")
    cap(args.max_duration, MAX_DURATION, "--max-duration")
    cap(args.saturation, MAX_PHASE, "--saturation")
    cap(args.ceiling, MAX_PHASE, "--ceiling")
    cap(args.scenarios_per_link, 5, "--scenarios-per-link")
    cap(args.think, 30, "--think")
    cap(args.ramp, 300, "--ramp")
    cap(args.hosts, 4, "--hosts")

    folder = workdir()
    try:
        if args.database == "postgresql":
            with postgres_cluster() as url:
                result = rush(args, Instance(folder, url))
        else:
            result = rush(args, Instance(folder))
    finally:
        if args.keep:
            print(f"instance kept in {folder}")
        else:
            Instance(folder).remove()
    path = write_result(f"rush-{args.database}" + (f"-{args.hosts}hosts" if args.hosts > 1 else ""), result)
    print_report(result)
    print(f"\nresults: {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
