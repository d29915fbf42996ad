"""The recommending unit's workspace: queue, decisions, quota, order, the 推荐汇总表 (附件3) and its Excel, 报送."""
import io
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from webapp.applications.lifecycle import submit_application
from webapp.campaigns.lookup import current_campaign
from webapp.documents.summary_xlsx import HEADERS, NOTES
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus as S, ApplicationType, AuditRecord, RecommendingUnit, ReviewComment,
    RuleKey, RuleMode, UnitQuota, UnitReport, User,
)
from webapp.applications.changes import changed_fields, changes_since_return
from webapp.review.decisions import decide
from webapp.review.report import ReviewError
from webapp.status import TransitionError
from webapp.core.timeutil import local_today, utcnow

from webapp.ops.demo_trades import person

from tests.conftest import text
from tests.factories import make_application, make_complete_application, make_enterprise, resubmit

CHANGSHA, ZHUZHOU = "430100", "430200"
HTMX = {"HX-Request": "true"}


# ---- helpers -----------------------------------------------------------------------------------------------------

def make_submitted(app, name: str, county: str = "430104", app_type=ApplicationType.ENTERPRISE, **changes) -> int:
    """A complete application built by the factory and submitted through submit_application."""
    with app.app_context():
        application = make_application(db.session, name=name, county=county, app_type=app_type,
                                       status=S.SUBMITTED, **changes)
        db.session.commit()
        return application.id


def make_draft(app, name: str, county: str = "430104") -> int:
    with app.app_context():
        enterprise = make_enterprise(db.session, name=name, county_adcode=county)
        application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign())
        db.session.commit()
        return application.id


def status_of(app, application_id: int) -> S:
    with app.app_context():
        return db.session.get(Application, application_id).status


def orders(app, *ids) -> list:
    with app.app_context():
        return [db.session.get(Application, i).recommend_order for i in ids]


def unit_id(app, prefecture: str = CHANGSHA) -> int:
    with app.app_context():
        return db.session.execute(db.select(RecommendingUnit.id).filter_by(prefecture_adcode=prefecture)).scalar_one()


OPINION = "该企业智能制造水平在本市同行业领先，推荐申报。"


def recommend(client, application_id: int, htmx: bool = False):
    return client.post(f"/review/{application_id}/recommend", data={"recommend-comment": OPINION},
                       headers=HTMX if htmx else {})


def upload_letter(client):
    """The stamped scan of the current 推荐函 (its fingerprint prefilled), as 报送 needs it."""
    from webapp.ops.demo_files import minimal_pdf
    response = client.post("/review/summary/letter-scan", data={
        "file": (io.BytesIO(minimal_pdf("盖章推荐函")), "推荐函盖章扫描件.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)


def set_quota(app, app_type: ApplicationType, quota: int, prefecture: str = CHANGSHA) -> None:
    with app.app_context():
        row = db.session.execute(db.select(UnitQuota).filter_by(
            campaign_id=current_campaign().id, unit_id=unit_id(app, prefecture), app_type=app_type)).scalar_one()
        row.quota = quota
        db.session.commit()


def audit_actions(app) -> list[str]:
    with app.app_context():
        return [r.action for r in db.session.execute(db.select(AuditRecord).order_by(AuditRecord.id)).scalars()]


def plain(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))


@pytest.fixture
def unit(login_as):
    return login_as("recommender")


# ---- navigation and the queue ------------------------------------------------------------------------------------

def test_navigation_and_home_link_to_the_queue(app, unit):
    page = unit.get("/home").get_data(as_text=True)
    assert 'href="/review/"' in page and "申报书审核" in page and "推荐汇总表" in page


def test_queue_shows_the_units_submitted_applications_only(app, unit):
    mine = make_submitted(app, "湖南岳麓智造有限公司")
    make_draft(app, "湖南草稿装备有限公司")
    make_submitted(app, "株洲荷塘重工有限公司", county="430202")
    page = text(unit.get("/review/"))
    assert "湖南岳麓智造有限公司" in page
    assert "湖南草稿装备有限公司" not in page and "株洲荷塘重工有限公司" not in page
    assert f'href="/review/{mine}"' in page and f'href="/applications/{mine}"' in page
    assert re.search(r"1</span>\s*<span class=\"rv-count__label\">已提交", unit.get("/review/").get_data(as_text=True))


def test_queue_counts_each_applications_links_and_scenarios(app, unit):
    """The 环节/场景 column is counted per application in one query (review.block_counts)."""
    with app.app_context():
        made = {}
        for name, links, per_link in (("湖南八环节装备有限公司", 8, 2), ("湖南九环节装备有限公司", 9, 3)):
            enterprise = make_enterprise(db.session, name=name)
            application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign(),
                                                     links=links, scenarios_per_link=per_link)
            submit_application(application, enterprise.users[0])
            made[name] = application.id
        db.session.commit()
    page = unit.get("/review/").get_data(as_text=True)
    for name, expected in (("湖南八环节装备有限公司", "8/16"), ("湖南九环节装备有限公司", "9/27")):
        row = re.search(rf'href="/review/{made[name]}".*?</tr>', page, re.S).group(0)
        assert f'<td class="rv-num">{expected}</td>' in row


def test_queue_filters_search_and_sort(app, unit):
    a = make_submitted(app, "湖南甲乙精密机械有限公司", county="430104")
    b = make_submitted(app, "湖南丙丁车间科技有限公司", county="430121", app_type=ApplicationType.WORKSHOP)
    c = make_submitted(app, "长沙戊己电子有限公司", county="430181")
    with app.app_context():
        application = db.session.get(Application, c)
        application.industry_division_code, application.industry_group_code = "39", "391"
        db.session.commit()
    names = {a: "湖南甲乙精密机械有限公司", b: "湖南丙丁车间科技有限公司", c: "长沙戊己电子有限公司"}

    def listed(query: str) -> set[int]:
        page = unit.get("/review/" + query).get_data(as_text=True)
        return {i for i, name in names.items() if name in page}

    assert listed("") == {a, b, c}
    assert listed("?app_type=workshop") == {b}
    assert listed("?county=430181") == {c}
    assert listed("?industry=39") == {c}
    assert listed("?q=丙丁") == {b}
    assert listed("?q=%25") == set()                      # LIKE wildcards are taken literally
    assert listed("?status=recommended") == set()
    assert listed("?app_type=bogus&county=999999") == {a, b, c}   # unknown values are ignored
    with app.app_context():
        link_id = db.session.get(Application, a).links[0].link_id
        application = db.session.get(Application, b)
        application.links = [l for l in application.links if l.link_id != link_id]
        db.session.commit()
    assert listed(f"?link={link_id}") == {a, c}

    page = unit.get("/review/?sort=name&dir=asc").get_data(as_text=True)
    ascending = re.findall(r'id="app-(\d+)"', page)
    descending = re.findall(r'id="app-(\d+)"', unit.get("/review/?sort=name&dir=desc").get_data(as_text=True))
    assert ascending == list(reversed(descending)) and len(ascending) == 3
    by_county = re.findall(r'id="app-(\d+)"', unit.get("/review/?sort=county&dir=asc").get_data(as_text=True))
    assert by_county == [str(a), str(b), str(c)]


def test_queue_htmx_returns_the_results_fragment(app, unit):
    make_submitted(app, "湖南片段测试有限公司")
    response = unit.get("/review/?q=片段", headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="queue-results"') and "湖南片段测试有限公司" in body
    assert "HX-Request" in response.headers.get("Vary", "")
    # The filter form works as a plain GET form and as HTMX, pushing the URL.
    page = unit.get("/review/").get_data(as_text=True)
    assert 'method="get"' in page and 'hx-get="/review/"' in page and 'hx-push-url="true"' in page


def test_queue_query_count_does_not_grow(app, unit):
    def count_queries() -> int:
        statements = []
        with app.app_context():
            engine = db.engine

            def listener(conn, cursor, statement, *args):
                statements.append(statement)
            event.listen(engine, "before_cursor_execute", listener)
            try:
                response = unit.get("/review/")
                assert response.status_code == 200
            finally:
                event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    for n in range(5):
        make_submitted(app, f"湖南计数{n}号智能装备有限公司", county=["430104", "430121", "430181"][n % 3])
    few = count_queries()
    with app.app_context():
        campaign = current_campaign()
        for n in range(5, 30):
            enterprise = make_enterprise(db.session, name=f"湖南计数{n}号智能装备有限公司")
            application = make_complete_application(db.session, enterprise=enterprise, campaign=campaign,
                                                    app_type=list(ApplicationType)[n % 2])
            submit_application(application, enterprise.users[0])
            if n % 4 == 0:
                application.enterprise.check_char_confirmed = True
        db.session.commit()
    many = count_queries()
    page = unit.get("/review/").get_data(as_text=True)
    assert page.count('id="app-') == 30
    assert many == few, (few, many)


def test_flags_in_queue_and_review_page(app, unit):
    with app.app_context():
        current_campaign().rule(RuleKey.NO_MAJOR_ACCIDENT, ApplicationType.ENTERPRISE).mode = RuleMode.WARN
        db.session.commit()
    flagged = make_submitted(app, "湖南事故提醒有限公司", major_accident=True)
    with app.app_context():
        db.session.get(Application, flagged).enterprise.check_char_confirmed = True
        db.session.commit()
    clean = make_submitted(app, "湖南无提醒有限公司")
    queue = unit.get("/review/").get_data(as_text=True)
    row = queue[queue.index(f'id="app-{flagged}"'):queue.index("</tr>", queue.index(f'id="app-{flagged}"'))]
    assert "重大安全生产事故" in row and "校验位" in row and "⚠ 2 项" in row
    clean_row = queue[queue.index(f'id="app-{clean}"'):queue.index("</tr>", queue.index(f'id="app-{clean}"'))]
    assert "⚠" not in clean_row
    review = text(unit.get(f"/review/{flagged}"))
    assert "需要关注（2项）" in review and "重大安全生产事故" in review and "统一社会信用代码校验位未通过" in review


# ---- another unit never reaches an application -------------------------------------------------------------------

def test_another_unit_gets_404_everywhere(app, login_as):
    changsha = login_as("recommender")
    zhuzhou = login_as("other_recommender")
    theirs = make_submitted(app, "湖南长沙专属有限公司")
    assert recommend(changsha, theirs).status_code == 303

    for url in (f"/review/{theirs}", f"/applications/{theirs}"):
        assert zhuzhou.get(url).status_code == 404, url
    for url, data in ((f"/review/{theirs}/return", {"return-comment": "请修改"}),
                      (f"/review/{theirs}/recommend", {}), (f"/review/{theirs}/reject", {}),
                      (f"/review/{theirs}/move", {"direction": "up"}),
                      (f"/review/{theirs}/position", {"position": "1"})):
        assert zhuzhou.post(url, data=data).status_code == 404, url
        assert zhuzhou.post(url, data=data, headers=HTMX).status_code == 404, url
    response = zhuzhou.post("/review/bulk", data={"ids": [str(theirs)], "action": "reject", "confirmed": "1"})
    assert response.status_code == 303
    assert "申报书不存在或无权处理" in text(zhuzhou.get("/review/"))
    assert status_of(app, theirs) is S.RECOMMENDED

    for url in ("/review/", "/review/summary", "/review/?q=长沙专属"):
        assert "湖南长沙专属有限公司" not in zhuzhou.get(url).get_data(as_text=True), url
    workbook = load_workbook(io.BytesIO(zhuzhou.get("/review/summary/export.xlsx").data))
    sheet = workbook.active
    assert sheet.cell(4, 2).value in (None, NOTES[0]) and "株洲市" in sheet.cell(2, 1).value
    assert all("长沙专属" not in str(c.value or "") for row in sheet.iter_rows() for c in row)


def test_roles_other_than_recommender_are_refused(app, login_as):
    application_id = make_submitted(app, "湖南角色测试有限公司")
    for role in ("applicant", "admin"):
        client = login_as(role)
        assert client.get("/review/").status_code == 403
        assert client.post(f"/review/{application_id}/recommend").status_code == 403
    assert login_as("recommender", login="cs2").post(f"/admin/reports/{unit_id(app)}/return",
                                                      data={"comment": "x"}).status_code == 403


# ---- decisions and the state table -------------------------------------------------------------------------------

def test_no_decision_on_a_draft(app, unit):
    draft = make_draft(app, "湖南草稿不可推荐有限公司")
    assert recommend(unit, draft).status_code == 404            # a draft is the enterprise's: not even visible
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(login=unit.login_name)).scalar_one()
        with pytest.raises(TransitionError, match="草稿"):
            decide(db.session.get(Application, draft), "recommend", user)
    assert status_of(app, draft) is S.DRAFT


def test_return_needs_a_comment_and_is_audited(app, unit):
    application_id = make_submitted(app, "湖南退回意见有限公司")
    response = unit.post(f"/review/{application_id}/return", data={"return-comment": "  "})
    assert response.status_code == 200 and "退回修改意见" in text(response) and "请填写退回修改意见" in text(response)
    assert status_of(app, application_id) is S.SUBMITTED
    response = unit.post(f"/review/{application_id}/return", data={"return-comment": "  "}, headers=HTMX)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert 'id="decisions"' in response.get_data(as_text=True)
    too_long = unit.post(f"/review/{application_id}/return", data={"return-comment": "长" * 2001})
    assert too_long.status_code == 200 and "不超过2000字" in text(too_long)

    response = unit.post(f"/review/{application_id}/return", data={"return-comment": "请补充近三年审计报告。"})
    assert response.status_code == 303 and response.location.endswith(f"/review/{application_id}")
    assert status_of(app, application_id) is S.RETURNED
    assert "application.return" in audit_actions(app)
    page = text(unit.get(f"/review/{application_id}"))
    assert "请补充近三年审计报告。" in page and "已退回企业修改" in page
    # A returned application cannot be returned again or recommended until it is resubmitted.
    assert recommend(unit, application_id).status_code == 409
    assert status_of(app, application_id) is S.RETURNED


def test_recommend_reject_and_reconsider(app, unit):
    first = make_submitted(app, "湖南第一推荐有限公司")
    second = make_submitted(app, "湖南第二推荐有限公司")
    third = make_submitted(app, "湖南第三推荐有限公司")
    for application_id in (first, second, third):
        assert recommend(unit, application_id).status_code == 303
    assert orders(app, first, second, third) == [1, 2, 3]
    response = unit.post(f"/review/{second}/reject", data={"reject-comment": "名额有限，择优推荐。"})
    assert response.status_code == 303 and status_of(app, second) is S.NOT_RECOMMENDED
    assert orders(app, first, second, third) == [1, None, 2]      # renumbered, dense
    # Reconsidered: recommending again appends it at the end.
    assert recommend(unit, second, htmx=True).headers["HX-Redirect"] == f"/review/{second}"
    assert orders(app, first, second, third) == [1, 3, 2]
    # A recommended application can still be sent back to the enterprise; it leaves the list.
    unit.post(f"/review/{first}/return", data={"return-comment": "请核对联系人电话。"})
    assert status_of(app, first) is S.RETURNED and orders(app, first, second, third) == [None, 2, 1]


def test_quota_is_shown_and_enforced(app, unit):
    set_quota(app, ApplicationType.ENTERPRISE, 1)
    first = make_submitted(app, "湖南名额一有限公司")
    second = make_submitted(app, "湖南名额二有限公司")
    workshop = make_submitted(app, "湖南名额车间有限公司", app_type=ApplicationType.WORKSHOP)
    assert "标杆企业 已推荐 <strong>0/1</strong>" in unit.get(f"/review/{first}").get_data(as_text=True)
    assert recommend(unit, first).status_code == 303
    response = recommend(unit, second)
    assert response.status_code == 409
    assert "标杆企业推荐名额已满（已推荐 1/1）" in text(response)
    assert status_of(app, second) is S.SUBMITTED
    assert recommend(unit, workshop).status_code == 303            # the other type has its own quota
    page = unit.get("/review/").get_data(as_text=True)
    assert "标杆企业 已推荐 <strong>1/1</strong>（已满）" in page and "标杆车间 已推荐 <strong>1/10</strong>" in page


def test_no_decision_after_the_unit_deadline(app, unit):
    application_id = make_submitted(app, "湖南截止后有限公司")
    with app.app_context():
        current_campaign().unit_deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = recommend(unit, application_id)
    assert response.status_code == 409 and "推荐截止时间" in text(response)
    assert status_of(app, application_id) is S.SUBMITTED
    assert unit.post("/review/summary/report", data={"confirm_undecided": "y", "confirmed": "1"}).status_code == 409
    assert "推荐截止时间" in text(unit.get("/review/"))


def test_section_comments_reach_the_enterprise_at_that_section(app, unit):
    application_id = make_submitted(app, "湖南分节意见有限公司")
    response = unit.post(f"/review/{application_id}/return", data={
        "return-comment": "请按以下意见修改。", "return-section_profile": "企业简介请补充主营产品的市场占有率。",
        "return-section_implementation": "生产作业环节的技术方案请写明供应商。"})
    assert response.status_code == 303
    with app.app_context():
        comments = db.session.execute(db.select(ReviewComment).filter_by(application_id=application_id)).scalars().all()
        assert {(c.section, c.text) for c in comments} == {
            ("profile", "企业简介请补充主营产品的市场占有率。"), ("implementation", "生产作业环节的技术方案请写明供应商。")}
        assert all(c.status_change_id for c in comments)
        login = db.session.get(Application, application_id).enterprise.users[0].login
    enterprise = app.test_client()
    enterprise.post("/login", data={"login": login, "password": "Passw0rd!x-2024"})
    profile = text(enterprise.get(f"/applications/{application_id}/sections/profile"))
    assert "企业简介请补充主营产品的市场占有率。" in profile and "生产作业环节的技术方案请写明供应商" not in profile
    assert "请按以下意见修改。" in profile
    implementation = text(enterprise.get(f"/applications/{application_id}/sections/implementation"))
    assert "生产作业环节的技术方案请写明供应商。" in implementation
    assert "企业简介请补充" not in text(enterprise.get(f"/applications/{application_id}/sections/basic"))
    # The unit's own history lists them too.
    assert "针对“企业简介”：企业简介请补充主营产品的市场占有率。" in plain(unit.get(f"/review/{application_id}"))


def test_section_comments_only_with_a_return(app, unit):
    application_id = make_submitted(app, "湖南意见限定有限公司")
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(login=unit.login_name)).scalar_one()
        application = db.session.get(Application, application_id)
        with pytest.raises(ReviewError):
            decide(application, "reject", user, section_comments={"profile": "x"})
        with pytest.raises(ReviewError):
            decide(application, "return", user, "意见", section_comments={"nonsense": "x"})
        db.session.rollback()
    assert status_of(app, application_id) is S.SUBMITTED


# ---- what changed since the return -------------------------------------------------------------------------------

def test_diff_shows_exactly_the_changed_fields(app, unit):
    application_id = make_submitted(app, "湖南修改对比有限公司")
    unit.post(f"/review/{application_id}/return", data={"return-comment": "请修改联系人和简介。"})
    with app.app_context():
        application = db.session.get(Application, application_id)
        application.contact_name = "赵新联系人"
        application.profile = application.profile[:-10] + "新增的简介内容。"
        scenario = application.links[0].scenarios[1]
        old_solution = scenario.solution
        scenario.solution = "改为采用国产工业软件平台，供应商为湖南本地企业。"
        link_name = application.links[0].link.name
        resubmit(db.session, application)
        db.session.commit()
        result = changes_since_return(db.session.get(Application, application_id))
        assert (result.old_version, result.new_version) == (1, 2)
        labels = [c.label for c in result.changes]
        assert labels == ["企业基本信息：联系人 姓名", "企业简介：企业简介",
                          f"环节1（{link_name}）场景2：采用的技术方案", "相关证明材料：盖章申报书扫描件"]
        by_label = {c.label: c for c in result.changes}
        assert by_label["企业基本信息：联系人 姓名"].old == person("湖南修改对比有限公司", "联系人").name
        assert by_label["企业基本信息：联系人 姓名"].new == "赵新联系人"
        solution = by_label[f"环节1（{link_name}）场景2：采用的技术方案"]
        assert solution.old == old_solution and solution.new.startswith("改为采用国产")
        pieces = by_label["企业简介：企业简介"].pieces
        assert "".join(piece for op, piece in pieces if op != "ins") == by_label["企业简介：企业简介"].old
        assert "".join(piece for op, piece in pieces if op != "del") == by_label["企业简介：企业简介"].new
        assert any(op == "ins" for op, _ in pieces) and any(op == "same" for op, _ in pieces)
        scan = by_label["相关证明材料：盖章申报书扫描件"]         # one valid scan on each side, of its own version
        assert (scan.old, scan.new) == ("盖章申报书扫描件.pdf（盖章版第1版）", "盖章申报书扫描件.pdf（盖章版第2版）")
    page = text(unit.get(f"/review/{application_id}"))
    assert "退回后修改的内容" in page and "共 4 处修改" in page
    assert f"环节1（{link_name}）场景2：采用的技术方案" in page and "赵新联系人" in page


def test_changed_fields_blocks_lists_years_and_attachments():
    scenario = {"scenario_no": 20, "name": "智能排产", "description": "描述", "pain_points": "痛点", "solution": "方案",
                "safeguards": "保障", "results": "成果", "other": None, "pictures": []}
    old = {"contact_name": "张三", "major_accident": False, "app_type": "enterprise", "declared_on": "2024-05-01",
           "economic_years": [{"year": 2023, "revenue": "100", "profit": "1"}],
           "lists": {"function": ["a", "b"], "key_problem": [], "key_technology": []},
           "links": [{"link_no": 8, "link_name": "生产作业", "scenarios": [scenario]},
                     {"link_no": 3, "link_name": "工艺设计", "scenarios": []}],
           "attachments": [{"category": "license", "name": "执照.pdf", "size": 1, "sha256": "aa"}]}
    new = {"contact_name": "张三", "major_accident": True, "app_type": "workshop", "declared_on": "2024-06-01",
           "economic_years": [{"year": 2023, "revenue": "120", "profit": "1"}],
           "lists": {"function": ["a", "c", "d"], "key_problem": [], "key_technology": []},
           "links": [{"link_no": 8, "link_name": "生产作业",
                      "scenarios": [{**scenario, "other": "新增其他", "pictures": ["x"]},
                                    {**scenario, "scenario_no": None, "name": "自定义"}]},
                     {"link_no": 9, "link_name": "质量管控", "scenarios": []}],
           "attachments": [{"category": "license", "name": "执照新.pdf", "size": 1, "sha256": "bb"}]}
    changes = {c.label: (c.old, c.new) for c in changed_fields(old, new)}
    assert changes == {
        "相关荣誉及安全环保情况：企业近三年是否发生过重大安全生产事故、重大环境事故": ("否", "是"),
        "封面：申报类型": ("标杆企业", "标杆车间"),
        "近三年主要经济指标：2023年 主营业务收入（万元）": ("100", "120"),
        "智能制造实现功能：第2项": ("b", "c"),
        "智能制造实现功能：第3项": ("（空）", "d"),
        "环节1（生产作业）场景1：其他": ("（空）", "新增其他"),
        "环节1（生产作业）场景1：技术方案配图": ("0张", "1张"),
        "环节1（生产作业）场景2": ("（空）", "新增场景：自定义"),
        "环节2（质量管控）": ("（空）", "新增环节，含0个场景：无场景"),
        "环节2（工艺设计）": ("含0个场景：无场景", "（已删除该环节）"),
        "相关证明材料：（一）企业营业执照复印件": ("执照.pdf", "执照新.pdf"),
    }


def test_no_diff_without_a_return(app, unit):
    application_id = make_submitted(app, "湖南首次提交有限公司")
    with app.app_context():
        assert changes_since_return(db.session.get(Application, application_id)) is None
    assert "退回后修改的内容" not in text(unit.get(f"/review/{application_id}"))


# ---- bulk decisions ----------------------------------------------------------------------------------------------

def test_bulk_decisions_each_row_on_its_own(app, unit):
    set_quota(app, ApplicationType.ENTERPRISE, 2)
    a = make_submitted(app, "湖南批量甲有限公司")
    b = make_submitted(app, "湖南批量乙有限公司")
    c = make_submitted(app, "湖南批量丙有限公司")
    returned = make_submitted(app, "湖南批量已退回有限公司")
    unit.post(f"/review/{returned}/return", data={"return-comment": "请修改"})

    response = unit.post("/review/bulk", data={"ids": [str(a), str(returned), str(b), str(c)], "action": "recommend",
                                               "comment": OPINION, "return_to": "/review/?sort=name&dir=asc",
                                               "confirmed": "1"})
    assert response.status_code == 303 and response.location.endswith("/review/?sort=name&dir=asc")
    page = text(unit.get("/review/"))
    assert "已推荐 2 份申报书：湖南批量甲有限公司、湖南批量乙有限公司" in page
    assert "“湖南批量已退回有限公司”未能推荐：申报书当前状态为“退回修改”，不能推荐。" in page
    assert "“湖南批量丙有限公司”未能推荐：标杆企业推荐名额已满" in page
    assert [status_of(app, i) for i in (a, b, c, returned)] == [S.RECOMMENDED, S.RECOMMENDED, S.SUBMITTED, S.RETURNED]
    assert orders(app, a, b) == [1, 2]


def test_bulk_form_errors_in_place(app, unit):
    a = make_submitted(app, "湖南批量校验有限公司")
    response = unit.post("/review/bulk", data={"ids": [str(a)], "action": "return", "comment": ""})
    assert response.status_code == 200 and "退回修改时必须填写意见" in text(response)
    assert 'checked' in response.get_data(as_text=True)              # the selection is kept
    response = unit.post("/review/bulk", data={"action": "reject"}, headers=HTMX)
    assert response.status_code == 200 and "请先勾选要处理的申报书" in text(response)
    assert "<html" not in response.get_data(as_text=True)
    assert unit.post("/review/bulk", data={"ids": [str(a)], "action": "return", "comment": "统一退回补充材料",
                                           "return_to": "https://evil.example/", "confirmed": "1"}
                     ).location.endswith("/review/")
    assert status_of(app, a) is S.RETURNED


# ---- the order of the 汇总表 -------------------------------------------------------------------------------------

def test_ordering_without_and_with_htmx(app, unit):
    ids = [make_submitted(app, f"湖南排序{n}号有限公司") for n in range(1, 5)]
    for application_id in ids:
        recommend(unit, application_id)
    a, b, c, d = ids
    response = unit.post(f"/review/{c}/move", data={"direction": "up"})
    assert response.status_code == 303 and response.location.endswith(f"/review/summary#row-{c}")
    assert orders(app, a, b, c, d) == [1, 3, 2, 4]
    response = unit.post(f"/review/{a}/move", data={"direction": "down"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and body.lstrip().startswith('<div id="summary-table"')
    assert orders(app, a, b, c, d) == [2, 3, 1, 4]
    assert re.findall(r'id="row-(\d+)"', body) == [str(c), str(a), str(b), str(d)]
    assert unit.post(f"/review/{d}/position", data={"position": "1"}).status_code == 303
    assert orders(app, a, b, c, d) == [3, 4, 2, 1]
    assert unit.post(f"/review/{d}/position", data={"position": "99"}, headers=HTMX).status_code == 200
    assert orders(app, a, b, c, d) == [2, 3, 1, 4]
    # Moving the first up changes nothing; invalid input is shown in place.
    unit.post(f"/review/{c}/move", data={"direction": "up"})
    assert orders(app, a, b, c, d) == [2, 3, 1, 4]
    response = unit.post(f"/review/{a}/position", data={"position": "abc"})
    assert response.status_code == 200 and "请输入" in text(response)
    response = unit.post(f"/review/{a}/position", data={"position": "0"}, headers=HTMX)
    assert response.status_code == 200 and "请输入1及以上的序号" in text(response)
    # Only recommended applications have a place.
    other = make_submitted(app, "湖南未推荐排序有限公司")
    assert unit.post(f"/review/{other}/move", data={"direction": "up"}).status_code == 409
    page = unit.get("/review/summary").get_data(as_text=True)
    assert re.findall(r'id="row-(\d+)"', page) == [str(c), str(a), str(b), str(d)]


# ---- the 汇总表 page and its Excel -------------------------------------------------------------------------------

def test_summary_page_and_excel_export(app, unit):
    enterprise_app = make_submitted(app, "湖南湘江智能装备股份有限公司", county="430104")
    workshop_app = make_submitted(app, "浏阳花炮智能车间有限公司", county="430181", app_type=ApplicationType.WORKSHOP)
    recommend(unit, enterprise_app)
    recommend(unit, workshop_app)
    unit.post(f"/review/{workshop_app}/move", data={"direction": "up"})

    page = text(unit.get("/review/summary"))
    page = page[page.index('id="summary-table"'):]
    assert "推荐单位：长沙市工业和信息化局（盖章）" in page
    assert "<span>填报日期： 年 月 日</span>" in page     # no date chosen, not reported: left to the pen
    blank = load_workbook(io.BytesIO(unit.get("/review/summary/export.xlsx").data)).active
    assert blank.cell(2, 8).value == "填报日期：    年  月  日"
    assert "35专用设备制造业" in page and "351采矿、冶金、建筑专用设备制造" in page
    with app.app_context():
        mobile = db.session.get(Application, enterprise_app).contact_mobile
    assert "岳麓区" in page and "浏阳市" in page and "液压油缸智能装配车间" in page and mobile in page
    assert page.index("浏阳花炮智能车间有限公司") < page.index("湖南湘江智能装备股份有限公司")

    response = unit.post("/review/summary/fill-date", data={"fill_date": "2024-06-18"})
    assert response.status_code == 303
    response = unit.get("/review/summary/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    expected_name = "2024年湖南省智能制造标杆推荐汇总表-长沙市工业和信息化局.xlsx"
    assert disposition.startswith("attachment") and f"filename*=UTF-8''{quote(expected_name)}" in disposition
    assert "report.export" in audit_actions(app)

    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(1, 1).value == "2024年湖南省智能制造标杆推荐汇总表"
    assert sheet.cell(2, 1).value == "推荐单位：长沙市工业和信息化局（盖章）"
    assert sheet.cell(2, 8).value == "填报日期：2024年6月18日"
    assert tuple(sheet.cell(3, column).value for column in range(1, 11)) == HEADERS
    with app.app_context():
        expected = []
        for order, application_id in enumerate((workshop_app, enterprise_app), start=1):
            a = db.session.get(Application, application_id)
            links = "；".join(f"{l.link.name}：" + "、".join(s.scenario.name if s.scenario else s.name
                                                          for s in l.scenarios) for l in a.links)
            expected.append([order, a.company_name, a.county.name, a.app_type.label,
                             a.workshop_name if a.app_type is ApplicationType.WORKSHOP else None,
                             "35专用设备制造业", "351采矿、冶金、建筑专用设备制造", links, a.contact_name,
                             a.contact_mobile])
    rows = [[sheet.cell(r, c).value for c in range(1, 11)] for r in (4, 5)]
    assert rows == expected
    assert rows[0][2] == "浏阳市" and rows[0][4] == "液压油缸智能装配车间" and rows[1][4] is None
    assert sheet.cell(6, 1).value == NOTES[0]


def test_fill_date_defaults_to_today_and_is_validated(app, unit):
    response = unit.get("/review/summary")
    assert f'value="{local_today().isoformat()}"' in response.get_data(as_text=True)
    response = unit.post("/review/summary/fill-date", data={"fill_date": "not a date"})
    assert response.status_code == 200 and "填报日期" in text(response)


# ---- 报送 and the province sending it back ----------------------------------------------------------------------

def test_report_locks_the_list_until_the_admin_returns_it(app, unit, login_as):
    a = make_submitted(app, "湖南报送甲有限公司")
    b = make_submitted(app, "湖南报送乙有限公司")
    response = unit.post("/review/summary/report", data={"confirmed": "1"})
    assert response.status_code == 409 and "尚未推荐任何申报书" in text(response)
    recommend(unit, a)
    response = unit.post("/review/summary/report", data={"confirmed": "1"})
    assert response.status_code == 409 and "推荐函" in text(response)
    upload_letter(unit)
    response = unit.post("/review/summary/report", data={"confirmed": "1"})
    assert response.status_code == 409 and "还有 1 份已提交的申报书尚未处理" in text(response)
    assert unit.post("/review/summary/report", data={"confirm_undecided": "y", "confirmed": "1"}).status_code == 303
    with app.app_context():
        report = db.session.execute(db.select(UnitReport)).scalar_one()
        assert report.reported_at is not None and report.fill_date == local_today()
    page = text(unit.get("/review/summary"))
    assert "已报送" in page and "调整顺序" not in page
    assert "report.submit" in audit_actions(app)

    # Locked: no decisions, no reordering, no second report.
    response = recommend(unit, b)
    assert response.status_code == 409 and "已锁定" in text(response)
    assert unit.post(f"/review/{a}/reject", data={}).status_code == 409
    assert unit.post(f"/review/{a}/move", data={"direction": "down"}).status_code == 409
    assert unit.post("/review/summary/report", data={"confirm_undecided": "y", "confirmed": "1"}).status_code == 409
    assert unit.post("/review/summary/fill-date", data={"fill_date": "2024-01-01"}).status_code == 409
    assert 'name="ids"' not in unit.get("/review/").get_data(as_text=True)
    assert status_of(app, a) is S.RECOMMENDED and status_of(app, b) is S.SUBMITTED

    admin = login_as("admin")
    url = f"/admin/reports/{unit_id(app)}/return"
    assert admin.get(url).status_code == 200
    response = admin.post(url, data={"comment": ""})
    assert response.status_code == 200 and "请填写退回意见" in text(response)
    response = admin.post(url, data={"comment": "请补充推荐湖南报送乙有限公司的理由。"})
    assert response.status_code == 303
    with app.app_context():
        report = db.session.execute(db.select(UnitReport)).scalar_one()
        assert report.reported_at is None and report.returned_at is not None
        assert report.return_comment == "请补充推荐湖南报送乙有限公司的理由。"
    assert "report.return" in audit_actions(app)
    assert admin.post(url, data={"comment": "再次退回"}).status_code == 409     # nothing reported now
    assert admin.post("/admin/reports/99999/return", data={"comment": "x"}).status_code == 404

    assert "请补充推荐湖南报送乙有限公司的理由。" in text(unit.get("/review/summary"))
    assert recommend(unit, b).status_code == 303


def test_a_list_returned_after_the_deadline_can_be_corrected(app, unit, login_as):
    a = make_submitted(app, "湖南逾期退回有限公司")
    recommend(unit, a)
    upload_letter(unit)
    assert unit.post("/review/summary/report", data={"confirmed": "1"}).status_code == 303
    with app.app_context():
        current_campaign().unit_deadline = utcnow() - timedelta(days=1)
        db.session.commit()
    login_as("admin").post(f"/admin/reports/{unit_id(app)}/return", data={"comment": "请调整顺序"})
    assert unit.post(f"/review/{a}/reject", data={}).status_code == 303


def test_summary_and_export_query_counts_do_not_grow(app, unit):
    def count_queries(url: str) -> int:
        statements = []
        with app.app_context():
            def listener(conn, cursor, statement, *args):
                statements.append(statement)
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert unit.get(url).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    def recommend_more(n: int) -> None:
        for _ in range(n):
            recommend(unit, make_submitted(app, "湖南汇总计数有限公司", app_type=ApplicationType.WORKSHOP))

    recommend_more(2)
    few = {url: count_queries(url) for url in ("/review/summary", "/review/summary/export.xlsx")}
    recommend_more(6)
    many = {url: count_queries(url) for url in ("/review/summary", "/review/summary/export.xlsx")}
    assert many == few, (few, many)
