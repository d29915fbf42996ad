"""形式审查 through the pages: the queue of reported lists with their flags, 通过 / 需补正 / 不通过, and the
enterprise's 补正 (only the sections asked, a new 盖章版 when the content changed, by the deadline)."""
import io
import re
from datetime import timedelta

import pytest

from webapp.applications.versions import NotEditable, section_version, sections_write
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.core.timeutil import local_today, utcnow
from webapp.models import (
    Application, ApplicationStatus as S, Attachment, AttachmentCategory, AuditRecord, CorrectionRequest, Notice, Role,
    Snapshot, User,
)
from webapp.ops.demo_files import minimal_pdf

from webapp.applications.word_import_apply import NOT_ASKED

from tests.applications.word_import.files import word_file
from tests.applications.word_import.pages import import_rows, uploaded
from tests.conftest import login, text
from tests.selection.builders import recommended, report

HTMX = {"HX-Request": "true"}


def campaign_id(app) -> int:
    with app.app_context():
        return current_campaign().id


def make(app, name, city="长沙市", reported=True, **changes) -> tuple[int, str]:
    """A recommended application (`changes` made afterwards, as if the data were so), on a reported list."""
    with app.app_context():
        application = recommended(name, city)
        for key, value in changes.items():
            setattr(application, key, value)
        if reported:
            report(application)
        db.session.commit()
        return application.id, application.enterprise.credit_code


def status(app, application_id) -> S:
    with app.app_context():
        return db.session.get(Application, application_id).status


def test_the_queue_shows_reported_lists_only_with_the_rules_flags(app, login_as):
    admin = login_as("admin")
    shown, _ = make(app, "湖南报送已审装备有限公司", invest_3y=None)
    make(app, "株洲未报送装备有限公司", "株洲市", reported=False)
    with app.app_context():
        db.session.execute(db.delete(Attachment).where(Attachment.application_id == shown,
                                                       Attachment.category == AttachmentCategory.AUDIT))
        db.session.commit()
    page = text(admin.get(f"/admin/selection/{campaign_id(app)}/form-check"))
    assert "湖南报送已审装备有限公司" in page and "株洲未报送装备有限公司" not in page
    assert "缺少必备证明材料“（二）近三年企业财务审计报告及智能制造专项审计报告”" in page
    assert "近3年智能制造总投入不低于10000万元（填写投入情况后核对）" in page
    assert "尚未报送（13）" in page
    fragment = admin.get(f"/admin/selection/{campaign_id(app)}/form-check?status=recommended", headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)


def test_pass_and_fail_need_what_the_table_says(app, login_as):
    admin = login_as("admin")
    a, _ = make(app, "湖南通过装备有限公司")
    b, _ = make(app, "湖南不通过装备有限公司")
    base = f"/admin/selection/{campaign_id(app)}/form-check"
    assert admin.post(f"{base}/{a}/pass").status_code == 303 and status(app, a) is S.FORM_PASSED
    assert admin.post(f"{base}/{a}/pass").status_code == 409                     # not twice
    response = admin.post(f"{base}/{b}/fail", data={"fail-rule": "", "fail-comment": ""})
    assert response.status_code == 200 and "请选择不通过的原因" in text(response) and status(app, b) is S.RECOMMENDED
    response = admin.post(f"{base}/{b}/fail", data={"fail-rule": "缺少必备证明材料", "fail-comment": "缺专项审计报告。"})
    assert response.status_code == 303 and status(app, b) is S.FORM_FAILED
    assert "不符合：缺少必备证明材料。缺专项审计报告。" in text(admin.get(f"{base}/{b}"))
    assert admin.post(f"{base}/{b}/reopen", data={"reopen-comment": "材料已补齐，重新审查。"}).status_code == 303
    assert status(app, b) is S.RECOMMENDED


def test_an_unreported_list_is_not_checked_and_a_checked_list_is_not_sent_back(app, login_as):
    admin = login_as("admin")
    early, _ = make(app, "湖南未报送审查装备有限公司", reported=False)
    base = f"/admin/selection/{campaign_id(app)}/form-check"
    response = admin.post(f"{base}/{early}/pass")
    assert response.status_code == 409 and "尚未报送推荐汇总表" in text(response)
    with app.app_context():
        report(db.session.get(Application, early))
        db.session.commit()
        unit_id = db.session.get(Application, early).unit_id
    admin.post(f"{base}/{early}/pass")
    response = admin.post(f"/admin/reports/{unit_id}/return", data={"comment": "请重新报送"})
    assert response.status_code == 409 and "已开始对该单位报送的申报书进行形式审查" in text(response)


def correction(admin, app, application_id, sections: dict, days=7, comment="请核对投入构成。"):
    data = {"correction-comment": comment, "correction-deadline": (local_today() + timedelta(days=days)).isoformat()}
    data.update({f"correction-section_{key}": value for key, value in sections.items()})
    return admin.post(f"/admin/selection/{campaign_id(app)}/form-check/{application_id}/correction", data=data)


def investment_post(app, application_id, **changes) -> dict:
    with app.app_context():
        a = db.session.get(Application, application_id)
        names = ("invest_total", "invest_3y", "cost_equipment", "cost_software", "cost_testing", "cost_personnel",
                 "domestic_share", "provincial_share")
        post = {name: f"{getattr(a, name):f}" for name in names}
        version = next((v.version for v in a.section_versions if v.section == "investment"), 0)
    post.update(changes, version=str(version))
    return post


def test_correction_goes_to_the_enterprise_alone_for_the_sections_asked(app, login_as):
    admin, unit = login_as("admin"), login_as("recommender")
    application_id, code = make(app, "湖南补正装备有限公司")
    enterprise = app.test_client()
    assert login(enterprise, code).status_code == 302

    response = correction(admin, app, application_id, {})
    assert response.status_code == 409 and "至少对一个需要补正的部分填写意见" in text(response)
    response = correction(admin, app, application_id, {"investment": "国产占比与清单不一致。"}, days=0)
    assert response.status_code == 409 and "补正截止日期须晚于今天" in text(response)
    assert correction(admin, app, application_id, {"investment": "国产占比与清单不一致。"}).status_code == 303
    assert status(app, application_id) is S.CORRECTION
    with app.app_context():             # 形式审查 comes after the campaign's deadline: the 补正 has its own
        current_campaign().enterprise_deadline = utcnow() - timedelta(days=20)
        db.session.commit()

    home = text(enterprise.get("/home"))
    assert "省工业和信息化厅形式审查要求补正" in home and "请核对投入构成。" in home
    section = text(enterprise.get(f"/applications/{application_id}/sections/investment"))
    assert re.search(r"<strong>省工信厅形式审查意见</strong>.{0,80}：<span[^>]*>国产占比与清单不一致。</span>", section)
    # Another section is not editable; the asked one is.
    other = enterprise.post(f"/applications/{application_id}/sections/profile", data={"profile": "改写", "version": "0"})
    assert other.status_code == 409 and "不包括这一部分" in text(other)
    saved = enterprise.post(f"/applications/{application_id}/sections/investment",
                            data={**investment_post(app, application_id, domestic_share="84.2"),
                                  "confirm_restamp": "1"})          # the submitted 盖章版 is voided: asked first
    assert saved.status_code == 303
    refused = enterprise.post(f"/applications/{application_id}/attachments", content_type="multipart/form-data",
                              data={"category": "license", "file": (io.BytesIO(minimal_pdf("执照")), "执照.pdf")})
    assert refused.status_code == 303
    with app.app_context():
        assert not [a for a in db.session.get(Application, application_id).attachments if a.original_name == "执照.pdf"]

    # The content changed: a new 盖章版 (第2版), stamped and scanned, before sending it back.
    page = text(enterprise.get(f"/applications/{application_id}/correction"))
    assert "盖章版（第1版）已过期" in page
    assert enterprise.post(f"/applications/{application_id}/correction", data={}).status_code == 409
    assert enterprise.post(f"/applications/{application_id}/final").status_code == 303
    uploaded = enterprise.post(f"/applications/{application_id}/attachments", content_type="multipart/form-data",
                               data={"category": "stamped_scan",
                                     "file": (io.BytesIO(minimal_pdf("盖章")), "盖章申报书（补正）.pdf")})
    assert uploaded.status_code in (200, 303)
    page = text(enterprise.get(f"/applications/{application_id}/correction"))
    assert "提交后将生成新的版本（第2版）" in page
    response = enterprise.post(f"/applications/{application_id}/correction", data={"reply": "已按清单重新核算。"})
    assert response.status_code == 303 and status(app, application_id) is S.CORRECTED
    with app.app_context():
        request = db.session.execute(db.select(CorrectionRequest)).scalar_one()
        assert request.answered_version == 2 and request.sections == ["investment"]
        assert db.session.execute(db.select(Snapshot.version).filter_by(application_id=application_id)
                                  ).scalars().all() == [1, 2]
        actions = db.session.execute(db.select(AuditRecord.action)).scalars().all()
        assert {"application.request_correction", "application.submit_correction",
                "application.correction_answer"} <= set(actions)
        # The enterprise was told what to correct and by when; the unit, of the request and of the answer.
        told = {(user.role, notice.kind, notice.subject) for notice, user in db.session.execute(
            db.select(Notice, User).join(User, User.id == Notice.user_id)
            .where(Notice.kind.like("selection.%")))}
        assert (Role.APPLICANT, "selection.correction", "省工信厅要求补正申报材料") in told
        assert (Role.RECOMMENDER, "selection.correction", "湖南补正装备有限公司需补正") in told
        assert (Role.RECOMMENDER, "selection.corrected", "湖南补正装备有限公司已提交补正") in told
    # The unit sees the request and what changed; the province checks again.
    review = text(unit.get(f"/review/{application_id}"))
    assert "省厅形式审查" in review and "企业已于" in review and "84.2" in review
    detail = text(admin.get(f"/admin/selection/{campaign_id(app)}/form-check/{application_id}"))
    assert "已按清单重新核算。" in detail and "84.2" in detail
    assert admin.post(f"/admin/selection/{campaign_id(app)}/form-check/{application_id}/pass").status_code == 303


def test_after_the_correction_deadline_nothing_can_be_changed_or_sent(app, login_as):
    admin = login_as("admin")
    application_id, code = make(app, "湖南补正逾期装备有限公司")
    enterprise = app.test_client()
    login(enterprise, code)
    correction(admin, app, application_id, {"profile": "请精简企业简介。"})
    with app.app_context():
        db.session.execute(db.update(CorrectionRequest).values(deadline=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    response = enterprise.post(f"/applications/{application_id}/sections/profile", data={"profile": "新", "version": "0"})
    assert response.status_code == 409
    page = text(enterprise.get(f"/applications/{application_id}/correction"))
    assert "补正截止时间" in page and "已过" in page
    assert enterprise.post(f"/applications/{application_id}/correction", data={}).status_code == 409
    response = admin.post(f"/admin/selection/{campaign_id(app)}/form-check/{application_id}/fail",
                          data={"fail-rule": "逾期未补正", "fail-comment": "截止前未提交补正。"})
    assert response.status_code == 303 and status(app, application_id) is S.FORM_FAILED


def test_an_unchanged_correction_needs_no_new_stamp(app, login_as):
    admin = login_as("admin")
    application_id, code = make(app, "湖南补正说明装备有限公司")
    enterprise = app.test_client()
    login(enterprise, code)
    correction(admin, app, application_id, {"attachments": "请说明审计报告的出具单位。"})
    response = enterprise.post(f"/applications/{application_id}/correction", data={"reply": "审计报告由某会计师事务所出具。"})
    assert response.status_code == 303 and status(app, application_id) is S.CORRECTED
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.version == 1 and len(application.snapshots) == 1     # the stamped 第1版 stays valid
        assert db.session.execute(db.select(CorrectionRequest)).scalar_one().answered_version == 1



def test_a_write_of_several_sections_takes_only_those_asked_during_a_correction(app, login_as):
    """An import from Word writes several sections at once (sections_write): during a 补正 each must be asked for."""
    application_id, _code = make(app, "湖南补正导入装备有限公司")
    correction(login_as("admin"), app, application_id, {"investment": "国产占比与清单不一致。"})
    with app.app_context():
        application = db.session.get(Application, application_id)
        user = application.enterprise.users[0]
        with pytest.raises(NotEditable, match="不包括这一部分"):
            with sections_write(application, user) as claims:
                claims.claim("investment", section_version(application, "investment").version)
                claims.claim("profile", section_version(application, "profile").version)
        assert section_version(db.session.get(Application, application_id), "investment").version == 0
        with sections_write(application, user) as claims:      # the section asked alone: written
            assert claims.claim("investment", 0) == 1


def test_an_import_from_word_during_a_correction_takes_the_sections_asked_and_says_so_for_the_rest(app, login_as):
    """During a 补正 an import takes what was asked (简介 here): the preview says which parts cannot be imported,
    “导入全部” leaves them out, and a part ticked anyway is reported; nothing else moves."""
    application_id, code = make(app, "湖南补正导入简介装备有限公司")
    correction(login_as("admin"), app, application_id, {"profile": "请精简企业简介。"})
    with app.app_context():
        source = db.session.get(Application, application_id)
        project, profile = source.project_name, source.profile
        source.project_name, source.profile = "文件中的新项目名称", "文件中精简后的企业简介。"
        data = word_file(source)
        db.session.rollback()
    enterprise = app.test_client()
    login(enterprise, code)
    token, page = uploaded(enterprise, application_id, data)
    assert "省厅形式审查要求补正的部分不包括这一部分，此部分只能查看、不能导入" in page
    response = import_rows(enterprise, application_id, token, page, ["section:cover", "section:profile"])
    assert response.status_code == 303
    assert NOT_ASKED in text(enterprise.get(response.location))
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.profile == "文件中精简后的企业简介。" and application.project_name == project != profile
        application.profile = profile
        db.session.commit()
    token, page = uploaded(enterprise, application_id, data)
    assert import_rows(enterprise, application_id, token, page, [], action="all").status_code == 303
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.profile == "文件中精简后的企业简介。" and application.project_name == project
        assert application.status is S.CORRECTION


def test_the_hub_counts_what_the_form_check_queue_shows(app, login_as):
    """An application recommended on a list not yet reported is not the province's to check: not counted."""
    admin = login_as("admin")
    make(app, "湖南概览已报送装备有限公司")
    make(app, "株洲概览未报送装备有限公司", "株洲市", reported=False)
    page = admin.get(f"/admin/selection/{campaign_id(app)}/").get_data(as_text=True)
    assert re.search(r"已推荐</[a-z]+>\s*<[a-z]+[^>]*>1<", page), page
    assert "<strong>1</strong> / 14 个推荐单位已报送" in page
