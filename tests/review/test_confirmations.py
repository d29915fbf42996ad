"""What cannot be undone is confirmed first (报送, bulk decisions); comments are answered where they are and the unit
reads the answers beside what changed; the province overview counts only reported lists."""
import pytest

from webapp.campaigns.lookup import current_campaign
from webapp.campaigns.overview import build_overview
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus as S, ApplicationType, RecommendingUnit, ReviewComment, UnitQuota,
)

from tests.conftest import login, text
from tests.factories import OPINION, make_application, resubmit
from tests.review.test_recommender import recommend, upload_letter


def make(app, name: str, status: S = S.SUBMITTED, county: str = "430104", **changes) -> int:
    with app.app_context():
        application = make_application(db.session, name=name, county=county, status=status, **changes)
        db.session.commit()
        return application.id


def status_of(app, application_id) -> S:
    with app.app_context():
        return db.session.get(Application, application_id).status


@pytest.fixture
def unit(login_as):
    return login_as("recommender")


# ---- 报送 ------------------------------------------------------------------------------------------------------------

def test_reporting_shows_the_list_as_it_will_be_sent_and_asks(app, unit):
    first = make(app, "湖南确认甲有限公司")
    second = make(app, "湖南确认乙有限公司", app_type=ApplicationType.WORKSHOP)
    make(app, "湖南确认待处理有限公司")
    for application_id in (first, second):
        recommend(unit, application_id)
    upload_letter(unit)                                 # the stamped 推荐函, as 报送 needs it
    summary = text(unit.get("/review/summary"))
    assert 'href="/review/summary/report"' in summary and "报送省厅…" in summary
    page = text(unit.get("/review/summary/report"))
    assert "确认报送推荐汇总表" in page and "标杆企业</dt><dd>推荐 1 项（名额" in page and "标杆车间</dt><dd>推荐 1 项（名额" in page
    assert page.index("湖南确认甲有限公司") < page.index("湖南确认乙有限公司")       # in the unit's order
    assert "尚未处理</dt><dd>1 份" in page and "我已知晓仍有未处理的申报书" in page
    unconfirmed = unit.post("/review/summary/report", data={"confirm_undecided": "y"})
    assert unconfirmed.status_code == 200 and "确认报送省厅" in text(unconfirmed)
    with app.app_context():
        assert db.session.scalars(db.select(RecommendingUnit)).first() is not None
        assert build_overview(current_campaign()).reported == []
    sent = unit.post("/review/summary/report", data={"confirm_undecided": "y", "confirmed": "1"})
    assert sent.status_code == 303
    assert "已报送" in text(unit.get("/review/summary"))


# ---- bulk decisions ----------------------------------------------------------------------------------------------

def test_bulk_decisions_show_the_affected_applications_first(app, unit):
    with app.app_context():
        unit_id = db.session.execute(db.select(RecommendingUnit.id).filter_by(prefecture_adcode="430100")).scalar()
        db.session.execute(db.update(UnitQuota).where(UnitQuota.unit_id == unit_id,
                                                      UnitQuota.app_type == ApplicationType.ENTERPRISE).values(quota=1))
        db.session.commit()
    a = make(app, "湖南批量确认甲有限公司")
    b = make(app, "湖南批量确认乙有限公司")
    returned = make(app, "湖南批量确认已退回有限公司", status=S.RETURNED)
    data = {"ids": [str(a), str(b), str(returned)], "action": "recommend", "comment": OPINION, "return_to": "/review/"}
    page = unit.post("/review/bulk", data=data)
    body = text(page)
    assert page.status_code == 200 and "确认批量推荐" in body
    assert "将推荐" in body and "不能推荐：标杆企业推荐名额将用完" in body and "不能推荐：申报书当前状态为“退回修改”" in body
    assert "确认推荐 1 份" in body
    assert [status_of(app, i) for i in (a, b, returned)] == [S.SUBMITTED, S.SUBMITTED, S.RETURNED]
    done = unit.post("/review/bulk", data={**data, "confirmed": "1"})
    assert done.status_code == 303
    assert [status_of(app, i) for i in (a, b, returned)] == [S.RECOMMENDED, S.SUBMITTED, S.RETURNED]


# ---- comments answered where they are ---------------------------------------------------------------------------

def test_section_comments_are_flagged_answered_and_read_by_the_unit(app, unit):
    application_id = make(app, "湖南意见答复有限公司")
    unit.post(f"/review/{application_id}/return", data={
        "return-comment": "请完善企业简介和成效数据。", "return-section_profile": "企业简介请补充主要产品的市场占有率。"})
    with app.app_context():
        application = db.session.get(Application, application_id)
        comment = next(c for c in application.review_comments if c.section == "profile")
        login_name, comment_id = application.enterprise.users[0].login, comment.id
    enterprise = app.test_client()
    login(enterprise, login_name)
    page = text(enterprise.get(f"/applications/{application_id}/sections/cover"))
    assert "有意见" in page and "另对以下部分提出了意见" in page and "1 条待答复" in page
    assert "请答复推荐单位对本部分的意见" in text(enterprise.get(f"/applications/{application_id}/checklist"))
    url = f"/applications/{application_id}/comments/{comment_id}/reply"
    empty = enterprise.post(url, data={"reply": " "}, headers={"HX-Request": "true"})
    assert "请填写答复" in text(empty) and "<html" not in empty.get_data(as_text=True)
    saved = enterprise.post(url, data={"reply": "已补充：液压油缸国内市场占有率约12%。"}, headers={"HX-Request": "true"})
    assert "答复已保存" in text(saved)
    assert enterprise.post(url, data={"reply": "不经脚本也能答复。"}).status_code == 303
    page = text(enterprise.get(f"/applications/{application_id}/sections/profile"))
    assert "不经脚本也能答复。" in page and "已答复" in page
    with app.app_context():
        application = db.session.get(Application, application_id)
        resubmit(db.session, application, "按意见补充了市场占有率。")
        db.session.commit()
    review = text(unit.get(f"/review/{application_id}"))
    assert "企业的修改说明和答复" in review and "按意见补充了市场占有率。" in review
    assert "企业简介请补充主要产品的市场占有率。" in review and "不经脚本也能答复。" in review
    refused = enterprise.post(url, data={"reply": "提交后再改答复"}, follow_redirects=True)
    assert "不能答复" in text(refused)
    with app.app_context():
        assert db.session.get(ReviewComment, comment_id).reply == "不经脚本也能答复。"


# ---- the overview counts reported lists ---------------------------------------------------------------------------

def test_the_overview_counts_only_reported_lists(app, login_as):
    """长沙 has recommended two and reported; 株洲 has recommended one and not reported: the province counts two."""
    changsha = [make(app, f"湖南长沙报送{n}有限公司", S.RECOMMENDED) for n in (1, 2)]
    zhuzhou = make(app, "株洲未报送有限公司", S.RECOMMENDED, county="430202")
    unit = login_as("recommender")
    upload_letter(unit)
    assert unit.post("/review/summary/report", data={"confirmed": "1"}).status_code == 303
    with app.app_context():
        overview = build_overview(current_campaign())
        rows = {row.short_name: row for row in overview.units}
        assert rows["长沙市"].is_reported and not rows["株洲市"].is_reported
        assert overview.reported_recommended[ApplicationType.ENTERPRISE] == len(changsha) == 2
        assert rows["株洲市"].recommended[ApplicationType.ENTERPRISE] == 1          # the unit's own decision
        assert rows["株洲市"].reported_recommended[ApplicationType.ENTERPRISE] == 0
        assert zhuzhou
    page = text(login_as("admin").get("/admin/overview"))
    assert "已报送的推荐" in page and "标杆企业 2" in page and "1 个未报送单位不计入" not in page
    assert "13 个未报送单位不计入" in page
    row = page[page.index("株洲市工业和信息化局</th>"):]
    assert row.index("未报送") < row.index("</tr>") and "审核中已推荐 1" in row[:row.index("</tr>")]
