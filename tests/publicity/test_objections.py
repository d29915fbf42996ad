"""实名异议: filed by anyone during the 公示 (JavaScript off: plain form posts), named only, with a captcha and a
per-address limit; handled by the province admin (成立 removes the application from the list, audited); the
objector's data seen by the admin only; the public pages show the list and nothing else."""
import io
import re
from datetime import timedelta

import pytest

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.core.timeutil import local_today
from webapp.models import (
    ApplicationStatus as S, AuditRecord, Notice, Objection, ObjectionState, Publicity, Role, StatusChange,
)
from webapp.ops.demo_files import minimal_pdf
from webapp.publicity.objections import ObjectionError, ObjectionValues, conclude_objection, file_objection
from webapp.publicity.opening import listed
from webapp.publicity.period import publicity_over

from tests.conftest import text
from tests.publicity.builders import composed, objection_fields, opened, ranked_world
from tests.selection.builders import staff

CSRF = re.compile(r'(X-CSRFToken": "|name="csrf_token" value=")[^"]*')
OBJECTOR = ("李明", "长沙某某科技有限公司", "13912345678")


@pytest.fixture
def running(app):
    """A 公示 open since today: (publicity token, campaign id, the first listed application's id)."""
    with app.app_context():
        ranked_world()
        campaign = current_campaign()
        composed(campaign)
        publicity = opened(campaign)
        db.session.commit()
        return publicity.token, campaign.id, listed(publicity)[0].application_id


def objection_of(reference: str) -> Objection:
    return db.session.execute(db.select(Objection).filter_by(reference=reference)).scalar_one()


def file_one(client, token, **values):
    response = client.post(f"/gongshi/{token}/objection", data=objection_fields(client, token, **values),
                           content_type="multipart/form-data")
    return response, text(response)


def test_a_visitor_reads_the_list_and_files_a_named_objection_with_a_file(app, client, running):
    token, _campaign_id, first_id = running
    page = text(client.get(f"/gongshi/{token}"))
    assert "湖南甲精工装备有限公司" in page and "岳阳己石化有限公司" in page and "王科长" in page
    assert "长沙丁电气有限公司" not in page                     # in the 培育库: not on the list
    assert f"/applications/{first_id}" not in page and f"/{first_id}" not in page
    assert client.get(f"/gongshi/{token}/notice.docx").status_code == 200
    assert token in text(client.get("/gongshi/"))
    response, body = file_one(client, token, files=[(io.BytesIO(minimal_pdf("证明")), "证明材料.pdf")])
    assert response.status_code == 200 and "受理编号" in body, body
    with app.app_context():
        objection = db.session.execute(db.select(Objection)).scalar_one()
        assert (objection.name, objection.employer, objection.phone) == OBJECTOR
        assert objection.entry.application_id == first_id and len(objection.files) == 1
        assert objection.state is ObjectionState.PENDING
        record = db.session.execute(db.select(AuditRecord).filter_by(action="objection.file")).scalar_one()
        assert "李明" not in record.detail and "13912345678" not in record.detail


@pytest.mark.parametrize("name, employer, phone, message", [
    ("匿名", "长沙某某科技有限公司", "13912345678", "匿名异议不予受理"),
    ("", "长沙某某科技有限公司", "13912345678", "请填写真实姓名"),
    ("李明", "", "13912345678", "请填写工作单位"),
    ("李明", "保密", "13912345678", "匿名异议不予受理"),
    ("李明", "长沙某某科技有限公司", "12345", "有效的联系电话"),
])
def test_anonymous_objections_are_refused_and_what_was_typed_is_kept(app, client, running, name, employer, phone,
                                                                      message):
    token = running[0]
    grounds = "投资额与实际不符，请核实该企业的设备购置发票。"
    response, body = file_one(client, token, name=name, employer=employer, phone=phone, grounds=grounds)
    assert response.status_code == 422 and message in body
    assert grounds in body                                     # nothing typed is lost
    with app.app_context():
        assert db.session.execute(db.select(Objection)).first() is None


def test_a_wrong_captcha_is_refused(app, client, running):
    response, body = file_one(client, running[0], captcha="AAAAA")
    assert response.status_code == 422 and "验证码不正确" in body
    with app.app_context():
        assert db.session.execute(db.select(Objection)).first() is None


def test_objections_outside_the_period_are_refused(app, client, running):
    token = running[0]
    fields = objection_fields(client, token)
    with app.app_context():
        publicity = db.session.execute(db.select(Publicity)).scalar_one()
        publicity.starts_on, publicity.ends_on = local_today() - timedelta(days=9), local_today() - timedelta(days=1)
        db.session.commit()
    response = client.post(f"/gongshi/{token}/objection", data=fields)
    assert response.status_code == 422 and "公示期已结束，不再受理异议" in text(response)
    page = text(client.get(f"/gongshi/{token}"))
    assert "湖南甲精工装备有限公司" in page and "本页保留供查阅" in page and "提出实名异议" not in page
    with app.app_context():
        assert db.session.execute(db.select(Objection)).first() is None
        publicity = db.session.execute(db.select(Publicity)).scalar_one()
        with pytest.raises(ObjectionError, match="不在公示期内"):
            file_objection(publicity, ObjectionValues(1, *OBJECTOR, "理由足够长的异议内容一二三"))


def test_each_address_is_limited(app, client, running):
    app.config["OBJECTION_ADDRESS_LIMIT"] = 2
    token = running[0]
    assert file_one(client, token)[0].status_code == 200
    assert file_one(client, token)[0].status_code == 200
    response, body = file_one(client, token)
    assert response.status_code == 429 and "次数过多" in body
    with app.app_context():
        assert len(db.session.execute(db.select(Objection)).all()) == 2


def test_a_sustained_objection_removes_the_application_and_a_dismissed_one_does_not(app, client, running, login_as):
    token, campaign_id, first_id = running
    file_one(client, token, position="1")
    file_one(client, token, position="2", name="赵强", phone="0731-84561234")
    admin = login_as("admin")
    with app.app_context():
        first, second = db.session.execute(db.select(Objection).order_by(Objection.id)).scalars().all()
        ids = first.id, second.id
        second_application = second.entry.application_id
    base = f"/admin/selection/{campaign_id}/publicity"
    overview = text(admin.get(base))
    assert "李明" in overview and "赵强" in overview
    refused = admin.post(f"{base}/objections/{ids[0]}", data={"conclusion": "sustain", "reply": "经核实成立。"})
    assert "请填写核实情况" in text(refused)
    admin.post(f"{base}/objections/{ids[0]}", data={"findings": "经调取发票核实，投资额虚报。", "conclusion": "sustain",
                                                   "reply": "经核实，异议成立，该企业移出拟认定名单。"})
    admin.post(f"{base}/objections/{ids[1]}", data={"findings": "经现场核查，数据属实。", "conclusion": "dismiss",
                                                   "reply": "经核实，异议不成立。"})
    with app.app_context():
        sustained, dismissed = db.session.get(Objection, ids[0]), db.session.get(Objection, ids[1])
        assert (sustained.state, dismissed.state) == (ObjectionState.SUSTAINED, ObjectionState.DISMISSED)
        assert sustained.entry.removed_at is not None and dismissed.entry.removed_at is None
        assert sustained.entry.application.status is S.NOT_SELECTED
        assert dismissed.entry.application.status is S.PROPOSED
        change = db.session.execute(db.select(StatusChange).filter_by(application_id=first_id, action="not_select")
                                    ).scalar_one()
        assert sustained.reference in change.comment
        actions = set(db.session.execute(db.select(AuditRecord.action)).scalars())
        assert {"objection.sustain", "objection.dismiss", "application.not_select"} <= actions
        notices = db.session.execute(db.select(Notice.body).filter_by(kind="publicity.removed")).scalars().all()
        assert notices and not any("李明" in body or "13912345678" in body for body in notices)
        assert second_application != first_id
    page = text(client.get(f"/gongshi/{token}"))
    assert "湖南甲精工装备有限公司" not in page and "株洲乙轨道装备有限公司" in page
    # Concluded once: a second conclusion is refused by the state table.
    again = admin.post(f"{base}/objections/{ids[1]}", data={"findings": "再次", "conclusion": "sustain", "reply": "x"})
    assert again.status_code == 409 and "当前状态为“不成立”" in text(again)
    with app.app_context():
        assert db.session.get(Objection, ids[1]).state is ObjectionState.DISMISSED
        with pytest.raises(ObjectionError, match="不能认定异议成立"):
            conclude_objection(db.session.get(Objection, ids[1]), "sustain", "再次", "答复", staff(Role.ADMIN))


def test_objectors_data_reach_the_admin_only(app, client, running, login_as):
    token, campaign_id, _first = running
    file_one(client, token)
    with app.app_context():
        objection_id = db.session.execute(db.select(Objection.id)).scalar_one()
    urls = [f"/admin/selection/{campaign_id}/publicity", f"/admin/selection/{campaign_id}/publicity/objections/"
            f"{objection_id}", f"/admin/selection/{campaign_id}/publicity/objections.xlsx"]
    for role in ("recommender", "expert", "auditor", "applicant"):
        other = login_as(role)
        for url in urls:
            response = other.get(url)
            assert response.status_code == 403 and "李明" not in text(response), (role, url)
    for url in (f"/gongshi/{token}", f"/gongshi/{token}/objection", "/gongshi/"):
        body = text(client.get(url))
        assert "李明" not in body and "13912345678" not in body
    admin = login_as("admin")
    assert "13912345678" in text(admin.get(urls[1]))


@pytest.mark.parametrize("path", ["", "/objection", "/notice.docx"])
def test_unknown_and_malformed_tokens_get_the_same_answer(app, client, running, path):
    token = running[0]
    unknown = "A" * 32
    answers = [client.get(f"/gongshi/{probe}{path}") for probe in (unknown, token[:-1], "1", "not%20a%20token!", token + "x")]
    assert {r.status_code for r in answers} == {404}
    assert len({CSRF.sub(r"\1", r.get_data(as_text=True)) for r in answers}) == 1     # the session's token aside
    posted = client.post(f"/gongshi/{unknown}/objection", data={"name": "李明"})
    assert posted.status_code == 404


def test_a_supporting_file_goes_through_the_upload_checks(app, client, running):
    token = running[0]
    response, body = file_one(client, token, files=[(io.BytesIO(b"MZ\x90\x00not a pdf at all"), "证明.pdf")])
    assert response.status_code == 422 and "证明.pdf" in body and "文件内容与类型不符" in body
    with app.app_context():
        assert db.session.execute(db.select(Objection)).first() is None


def test_publicity_over_once_the_last_day_has_passed(app, running):
    with app.app_context():
        campaign = current_campaign()
        publicity = db.session.execute(db.select(Publicity)).scalar_one()
        assert not publicity_over(campaign)
        assert publicity_over(campaign, publicity.ends_on + timedelta(days=1))
        assert not publicity_over(campaign, publicity.ends_on)
        publicity.ends_on = local_today() - timedelta(days=1)
        assert publicity_over(campaign)
