"""The number of SQL queries each busy page runs does not grow with the number of applications.

Every page is requested once with 3 applications in the database and once with 15, by the user who sees it, and
the statements sent to the database are counted (SQLAlchemy's "before_cursor_execute" on db.engine). The pages:
the unit's queue, its 汇总表, the province overview, the applicant's edit page of 三、智能制造实施内容 (a draft with
8 环节), the read-only view and the unit's review page of one application, and the province's archive ZIP (collected
before its first byte: a relation loaded per application there would cost a query per file folder).

bench/pages.py measures the same pages' response times with 1,000 and 10,000 applications (docs/PERFORMANCE.md).
"""
import re

import pytest
from sqlalchemy import event

from webapp.applications.lifecycle import submit_application
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import ApplicationType, Enterprise, Role, UnitQuota, User
from webapp.review.decisions import decide

from tests.factories import make_complete_application, make_enterprise

COUNTIES = ["430104", "430121", "430181", "430102"]          # 长沙市 counties: all in the unit of the recommender
STATES = ["submitted", "recommended", "returned", "recommended", "rejected"]


def count_queries(app, client, url: str) -> int:
    """Statements executed while serving GET `url` (after one warm-up request, so per-process caches are filled)."""
    assert client.get(url).status_code == 200, url
    return len(statements_of(app, lambda: client.get(url)))


def add_applications(app, first: int, count: int) -> list[int]:
    """`count` complete applications of 长沙 enterprises, submitted, then recommended, returned or rejected."""
    ids = []
    with app.app_context():
        campaign = current_campaign()
        reviewer = db.session.execute(db.select(User).filter_by(role=Role.RECOMMENDER)).scalars().first()
        for n in range(first, first + count):
            enterprise = make_enterprise(db.session, name=f"湖南计数{n}号智能装备有限公司",
                                         county_adcode=COUNTIES[n % len(COUNTIES)])
            application = make_complete_application(db.session, enterprise=enterprise, campaign=campaign,
                                                     app_type=list(ApplicationType)[n % 2], links=8, write_files=True)
            submit_application(application, enterprise.users[0])
            state = STATES[n % len(STATES)]
            if state == "recommended":
                decide(application, "recommend", reviewer, "推荐意见：智能制造水平领先。")
            elif state == "returned":
                decide(application, "return", reviewer, "请补充专项审计报告。")
            elif state == "rejected":
                decide(application, "reject", reviewer, "本年度名额有限。")
            ids.append(application.id)
        db.session.commit()
    return ids


@pytest.fixture
def clients(app, login_as):
    applicant = login_as("applicant")
    recommender = login_as("recommender")
    admin = login_as("admin")
    with app.app_context():
        # Quotas large enough that every 推荐 goes through (the default is 5 + 10 per unit).
        db.session.execute(db.update(UnitQuota).values(quota=100))
        enterprise = db.session.execute(db.select(Enterprise).join(Enterprise.users).filter(
            User.login == applicant.login_name)).scalar_one()
        draft = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign(), links=8,
                                          scenarios_per_link=2)
        db.session.commit()
        draft_id = draft.id
    return applicant, recommender, admin, draft_id


def test_page_query_counts_do_not_grow_with_the_applications(app, clients):
    applicant, recommender, admin, draft_id = clients
    target = add_applications(app, 0, 3)[1]              # a recommended one
    pages = [
        ("queue", recommender, "/review/"),
        ("summary", recommender, "/review/summary"),
        ("overview", admin, "/admin/overview"),
        ("edit implementation", applicant, f"/applications/{draft_id}/sections/implementation"),
        ("view", recommender, f"/applications/{target}"),
        ("review", recommender, f"/review/{target}"),
        ("archive", admin, "/admin/archive/2024.zip"),
    ]
    few = {name: count_queries(app, client, url) for name, client, url in pages}
    add_applications(app, 3, 12)
    many = {name: count_queries(app, client, url) for name, client, url in pages}
    assert many == few, {name: (few[name], many[name]) for name in few if few[name] != many[name]}
    page = recommender.get("/review/").get_data(as_text=True)
    assert page.count('id="app-') == 15


def statements_of(app, send) -> list[str]:
    """The statements executed while `send()` runs (a request through a test client)."""
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = send()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return statements


def test_the_member_rights_are_read_once_per_transaction_not_once_per_section(app, clients):
    """The editor asks the member's rights for each of its twenty sections; the session keeps the row it read
    instead of reading it again for each (its identity map alone would drop it between two questions)."""
    applicant, _recommender, _admin, draft_id = clients
    url = f"/applications/{draft_id}/sections/lessons"
    page = applicant.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)

    def membership_reads(statements):
        return sum(1 for s in statements if s.lstrip().startswith("SELECT") and "FROM enterprise_member" in s)

    opened = statements_of(app, lambda: applicant.get(url))
    saved = statements_of(app, lambda: applicant.post(url, headers={"HX-Request": "true"}, data={
        "version": version, "lessons": "经验：以数据贯通带动业务协同。" * 10}))
    # Once before and once after a commit (opening records the presence, a save its change; a commit expires what
    # was read), against one per section and more without the kept row.
    assert membership_reads(opened) == 2
    assert membership_reads(saved) == 2


def test_an_htmx_answer_does_not_count_the_unread_notices_it_does_not_show(app, clients):
    applicant, _recommender, _admin, draft_id = clients
    url = f"/applications/{draft_id}/sections/lessons"
    page = applicant.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)

    def counts_notices(statements):
        return any("FROM notice" in s for s in statements)

    assert counts_notices(statements_of(app, lambda: applicant.get(url)))       # the page's header shows them
    assert not counts_notices(statements_of(app, lambda: applicant.post(url, headers={"HX-Request": "true"}, data={
        "version": version, "lessons": "经验：以数据贯通带动业务协同。" * 10})))
