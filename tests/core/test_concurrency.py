"""No lost data under concurrency: many threads saving, submitting and deciding at once through the real WSGI app.

Each thread has its own test client (the full app: session cookie, CSRF-free test config, views, commit) on the
test's real database file (SQLite with WAL and the write lock taken at BEGIN for POSTs, see webapp/core/extensions.py;
PostgreSQL when TEST_DATABASE_URL is set). Every thread waits at a barrier, so the requests really overlap.
"""
import re
import threading
import traceback

import pytest

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import Application, ApplicationStatus as S, SectionVersion, Snapshot, StatusChange
from webapp.status import TRANSITIONS

from tests.conftest import login
from tests.factories import make_complete_application, make_enterprise
from tests.form_data import SECTION_POSTS, start_application

pytestmark = pytest.mark.slow

HTMX = {"HX-Request": "true"}
VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d+)"')
# Sections with one free-text field: each thread posts its own value there, so the winner can be identified.
TEXT_FIELDS = {"cover": "project_name", "profile": "profile", "innovation": "support_institutions",
               "overview": "overview_company", "integration": "integration", "outcomes": "outcomes",
               "plan": "next_steps", "lessons": "lessons", "pledge": "pledge_legal_rep", "influence": "influence"}


def run_together(jobs, timeout=180):
    """Start every job at the same instant (a barrier) in its own thread; return their results, fail on any error."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(index, job):
        try:
            barrier.wait(timeout=60)
            results[index] = job()
        except BaseException:       # noqa: BLE001  (reported below with its traceback)
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == [], "\n".join(errors)
    return results


def check_answer(response):
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:2000]
    assert "database is locked" not in body and "系统错误" not in body
    return body


def logged_in(app, login_name):
    client = app.test_client()
    assert login(client, login_name).status_code == 302
    return client


def complete_drafts(app, count, prefix="湖南并发测试"):
    """`count` enterprises, each with a complete draft application; returns [(application id, login)]."""
    made = []
    with app.app_context():
        for number in range(count):
            enterprise = make_enterprise(db.session, name=f"{prefix}{number}智能装备有限公司")
            application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign())
            made.append((application, enterprise.users[0].login))
        db.session.commit()
        return [(application.id, login_name) for application, login_name in made]


def posted_value(key, thread, round_):
    field = TEXT_FIELDS[key]
    base = SECTION_POSTS[key][field]
    marker = f"线程{thread}第{round_}轮"
    limit = 50 if field in ("project_name", "pledge_legal_rep") else 490
    return (marker + base)[:limit] if field != "pledge_legal_rep" else f"刘{thread}{round_}"


def test_parallel_saves_and_submissions_lose_nothing(app, accounts):
    code = accounts.enterprise()
    owner = logged_in(app, code)
    application_id = start_application(owner)
    others = complete_drafts(app, 6)
    keys = list(TEXT_FIELDS)
    # Two threads per text section (they contend for the same version), plus one per other form section.
    plain_keys = [k for k in SECTION_POSTS if k not in TEXT_FIELDS]
    savers = [(keys[i % len(keys)], i) for i in range(2 * len(keys))] + [(k, 100 + i) for i, k in enumerate(plain_keys)]
    clients = {thread: logged_in(app, code) for _key, thread in savers}
    submitters = [(other_id, logged_in(app, login_name)) for other_id, login_name in others]
    rounds = 3

    def saver(key, thread):
        client = clients[thread]
        successes = []
        for round_ in range(rounds):
            for _attempt in range(40):          # a stale version (someone else saved in between): reload and retry
                page = check_answer(client.get(f"/applications/{application_id}/sections/{key}"))
                version = VERSION.search(page).group(1)
                data = dict(SECTION_POSTS[key], version=version)
                if key in TEXT_FIELDS:
                    data[TEXT_FIELDS[key]] = posted_value(key, thread, round_)
                response = client.post(f"/applications/{application_id}/sections/{key}", data=data, headers=HTMX)
                body = check_answer(response)
                if response.status_code == 409:
                    assert "为避免覆盖" in body
                    continue
                assert response.status_code == 200, body[:1000]
                new_version = int(VERSION.search(body).group(1))
                assert new_version == int(version) + 1
                successes.append((new_version, data.get(TEXT_FIELDS.get(key, ""), None)))
                break
            else:
                pytest.fail(f"{key}: no save got through in 40 attempts")
        return key, successes

    def submitter(other_id, client):
        response = client.post(f"/applications/{other_id}/submit")
        check_answer(response)
        assert response.status_code == 303 and response.location.endswith(f"/applications/{other_id}")
        return other_id

    jobs = [lambda k=k, t=t: saver(k, t) for k, t in savers]
    jobs += [lambda i=i, c=c: submitter(i, c) for i, c in submitters]
    assert len(jobs) >= 20
    results = run_together(jobs)

    saved = {}
    for result in results:
        if isinstance(result, tuple):
            key, successes = result
            saved.setdefault(key, []).extend(successes)
    with app.app_context():
        application = db.session.get(Application, application_id)
        versions = {row.section: row.version for row in db.session.execute(
            db.select(SectionVersion).filter_by(application_id=application_id)).scalars()}
        for key, successes in saved.items():
            # Every successful save made exactly one new version; none was lost or counted twice.
            assert versions[key] == len(successes) == len({v for v, _ in successes}), key
            if key in TEXT_FIELDS:
                latest_value = max(successes)[1]
                assert getattr(application, TEXT_FIELDS[key]) == latest_value.strip(), key
        assert application.status is S.DRAFT
        for other_id, _client in submitters:
            other = db.session.get(Application, other_id)
            assert other.status is S.SUBMITTED and other.version == 1
            assert db.session.execute(db.select(db.func.count()).select_from(Snapshot)
                                      .filter_by(application_id=other_id)).scalar_one() == 1


def test_same_version_many_writers_exactly_one_wins(app, accounts):
    code = accounts.enterprise()
    owner = logged_in(app, code)
    application_id = start_application(owner)
    clients = [logged_in(app, code) for _ in range(20)]

    def save(number, client):
        data = dict(SECTION_POSTS["profile"], version="0", profile=f"第{number}位同时保存的人写的企业简介。")
        response = client.post(f"/applications/{application_id}/sections/profile", data=data, headers=HTMX)
        check_answer(response)
        return response.status_code, data["profile"]

    results = run_together([lambda n=n, c=c: save(n, c) for n, c in enumerate(clients)])
    winners = [value for status, value in results if status == 200]
    assert len(winners) == 1
    assert sorted(status for status, _ in results) == [200] + [409] * 19
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.profile == winners[0]
        row = db.session.execute(db.select(SectionVersion).filter_by(application_id=application_id,
                                                                      section="profile")).scalar_one()
        assert row.version == 1


OPINION = {"recommend-comment": "智能制造水平领先，推荐申报。"}


def submitted(app, count=1):
    ids = complete_drafts(app, count, prefix="湖南并发决定")
    clients = []
    for application_id, login_name in ids:
        client = logged_in(app, login_name)
        assert client.post(f"/applications/{application_id}/submit").status_code == 303
        clients.append((application_id, client))
    return clients


def history(app, application_id):
    with app.app_context():
        changes = db.session.execute(db.select(StatusChange).filter_by(application_id=application_id)
                                     .order_by(StatusChange.id)).scalars().all()
        status = db.session.get(Application, application_id).status
        return [(c.action, c.from_status, c.to_status) for c in changes], status


def assert_consistent_chain(changes, final):
    """Each change starts where the previous one ended, and is allowed by the state table."""
    assert changes[0][0] == "submit"
    for (_a, _f, previous_to), (action, from_status, to_status) in zip(changes, changes[1:]):
        assert from_status is previous_to
        assert from_status in TRANSITIONS[action].sources and to_status is TRANSITIONS[action].target
    assert changes[-1][2] is final


def test_concurrent_decisions_on_one_application_cannot_both_pass_the_state_check(app, login_as):
    [(application_id, applicant)] = submitted(app)
    units = [login_as("recommender", login=f"cs_unit_{n}") for n in range(10)]

    def recommend(client):
        return check_answer_status(client.post(f"/review/{application_id}/recommend", data=OPINION))

    def withdraw():
        check_answer(applicant.post(f"/applications/{application_id}/withdraw"))

    run_together([lambda c=c: recommend(c) for c in units] + [withdraw])
    changes, final = history(app, application_id)
    assert_consistent_chain(changes, final)
    decisions = [c for c in changes if c[0] in ("recommend", "withdraw")]
    # Both start from 已提交 and each ends it: exactly one of the eleven requests got through.
    assert len(decisions) == 1, decisions
    assert final in (S.RECOMMENDED, S.DRAFT)


def check_answer_status(response):
    check_answer(response)
    return response.status_code


def test_recommend_and_return_at_once_keep_a_consistent_history(app, login_as):
    [(application_id, _applicant)] = submitted(app)
    units = [login_as("recommender", login=f"cs_unit_{n}") for n in range(12)]

    def act(number, client):
        if number % 2:
            return "recommend", check_answer_status(client.post(f"/review/{application_id}/recommend", data=OPINION))
        response = client.post(f"/review/{application_id}/return", data={"return-comment": f"请补充材料（{number}）。"})
        return "return", check_answer_status(response)

    results = run_together([lambda n=n, c=c: act(n, c) for n, c in enumerate(units)])
    changes, final = history(app, application_id)
    assert_consistent_chain(changes, final)
    done = [action for action, status in results if status in (200, 204, 303)]
    refused = [action for action, status in results if status == 409]
    assert len(done) + len(refused) == len(units)
    # Every accepted request is exactly one recorded change; a refused one left no trace.
    assert sorted(done) == sorted(action for action, _f, _t in changes[1:])
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert (application.recommend_order is not None) == (application.status is S.RECOMMENDED)
