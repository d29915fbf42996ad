"""已认定的企业（车间）N 年内不得重复申报: the campaign setting, the check at start and at submission (block or warn),
from the system's certificates and from earlier years' lists imported from Excel (all rows or none)."""
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from webapp.applications.checklist import submission_blockers
from webapp.applications.lifecycle import submit_application
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import (
    ApplicationType, AuditRecord, Certificate, CampaignRule, PriorRecognition, RuleKey, RuleMode, User,
)
from webapp.recognition.repeat_rule import repeat_problems
from webapp.status import TransitionError

from tests.conftest import login, make_credit_code, text
from tests.factories import make_application

W = ApplicationType.WORKSHOP


def set_rule(years: int, mode: RuleMode = RuleMode.BLOCK) -> None:
    campaign = current_campaign()
    campaign.rules.append(CampaignRule(key=RuleKey.RECENT_RECOGNITION, app_type=None, threshold=Decimal(years),
                                       mode=mode))
    db.session.flush()


def prior(application, years_ago: int, app_type=ApplicationType.ENTERPRISE, workshop: str = "") -> None:
    db.session.add(PriorRecognition(year=current_campaign().year - years_ago, app_type=app_type,
                                    credit_code=application.enterprise.credit_code, workshop_name=workshop,
                                    company_name=application.company_name, document_no="湘工信装备〔2020〕1号"))
    db.session.flush()


@pytest.mark.parametrize("years_ago, mode, blocked, warned", [
    (1, RuleMode.BLOCK, True, False), (3, RuleMode.BLOCK, True, False), (4, RuleMode.BLOCK, False, False),
    (2, RuleMode.WARN, False, True), (2, RuleMode.OFF, False, False),
])
def test_an_enterprise_recognised_within_n_years(app, years_ago, mode, blocked, warned):
    with app.app_context():
        application = make_application(db.session, name="湖南重复申报企业有限公司")
        set_rule(3, mode)
        prior(application, years_ago)
        problems = repeat_problems(application, application.campaign)
        assert [p.blocking for p in problems] == ([True] if blocked else [False] if warned else [])
        blockers = submission_blockers(application, application.campaign)
        assert any("3年内不得重复申报" in p.message for p in blockers) is blocked
        if blocked:
            with pytest.raises(TransitionError, match="暂不能提交"):
                submit_application(application, application.enterprise.users[0])
        else:
            submit_application(application, application.enterprise.users[0])


def test_a_workshop_is_matched_by_its_name(app):
    with app.app_context():
        application = make_application(db.session, name="湖南车间重复有限公司", app_type=W, links=4,
                                       workshop_name="智能 总装车间")
        set_rule(3)
        prior(application, 1, W, "其他车间")
        prior(application, 1, ApplicationType.ENTERPRISE)           # the enterprise as a whole: not this workshop
        assert repeat_problems(application, application.campaign) == []
        prior(application, 2, W, "智能总装车间")
        [problem] = repeat_problems(application, application.campaign)
        assert "标杆车间（智能总装车间）" in problem.message and problem.blocking


def test_the_systems_own_recognitions_count_unless_revoked(app):
    with app.app_context():
        application = make_application(db.session, name="湖南系统认定有限公司")
        set_rule(2)
        certificate = Certificate(campaign_id=application.campaign_id, application_id=application.id,
                                  year=current_campaign().year - 1, app_type=ApplicationType.ENTERPRISE,
                                  number="湘智标〔2000〕企-001", code="ABCDEFGHJK", company_name="x",
                                  credit_code=application.enterprise.credit_code, document_no="湘工信〔2000〕1号",
                                  document_date=current_campaign().created_at.date())
        db.session.add(certificate)
        db.session.flush()
        assert "本系统认定" in repeat_problems(application, application.campaign)[0].message
        certificate.revoked_on = certificate.document_date
        db.session.flush()
        assert repeat_problems(application, application.campaign) == []


def test_starting_an_application_says_so(app, accounts):
    with app.app_context():
        set_rule(3, RuleMode.WARN)
        db.session.commit()
    name = accounts.enterprise()
    with app.app_context():
        enterprise = db.session.execute(db.select(User).filter_by(login=name)).scalar_one().enterprise
        db.session.add(PriorRecognition(year=current_campaign().year - 1, app_type=ApplicationType.ENTERPRISE,
                                        credit_code=enterprise.credit_code, company_name=enterprise.name))
        db.session.commit()
    client = app.test_client()
    login(client, name)
    response = client.post("/applications/start", follow_redirects=True)
    assert "3年内不宜以同一类型重复申报" in text(response)


def test_the_campaign_form_sets_the_rule(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        campaign_id = current_campaign().id
    page = text(admin.get(f"/admin/campaigns/{campaign_id}"))
    assert "不得重复申报" in page and 'name="rule_recent_recognition_all_threshold"' in page


# ---- earlier years' lists ---------------------------------------------------------------------------------------

def workbook(rows, header=("认定年度", "统一社会信用代码", "企业名称", "标杆类型", "车间名称", "认定文号")) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "往年名单.xlsx"):
    return client.post("/admin/recognition/prior", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_importing_earlier_lists_all_or_nothing(app, login_as):
    admin = login_as("admin")
    good = [(2024, make_credit_code("430104", 11), "湖南往年一有限公司", "标杆企业", "", "湘工信装备〔2024〕5号"),
            ("2023", make_credit_code("430202", 12), "株洲往年二有限公司", "标杆车间", "数字化车间", "")]
    bad = good + [(2024, "123", "", "示范企业", "", ""), (2024, make_credit_code("430104", 13), "湖南车间", "标杆车间", "", "")]
    refused = upload(admin, workbook(bad))
    page = text(refused)
    assert refused.status_code == 200 and "未导入任何数据" in page
    assert "第4行" in page and "统一社会信用代码“123”无效" in page and "标杆类型“示范企业”" in page
    assert "第5行" in page and "标杆车间须填写车间名称" in page
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(PriorRecognition.id))).scalar_one() == 0
    assert upload(admin, workbook(good)).status_code == 303
    assert upload(admin, workbook(good)).status_code == 303            # again: nothing new
    with app.app_context():
        rows = db.session.execute(db.select(PriorRecognition).order_by(PriorRecognition.year)).scalars().all()
        assert [(r.year, r.app_type, r.workshop_name) for r in rows] == [(2023, W, "数字化车间"),
                                                                         (2024, ApplicationType.ENTERPRISE, "")]
        assert db.session.execute(db.select(db.func.count(AuditRecord.id)).filter_by(
            action="recognition.import_prior")).scalar_one() == 2
    assert "2024年：1 条" in text(admin.get("/admin/recognition/prior"))


def test_an_import_that_is_not_a_workbook_is_refused(app, login_as):
    admin = login_as("admin")
    response = upload(admin, b"%PDF-1.4 not a workbook", "名单.xlsx")
    assert response.status_code == 200 and "请使用 Excel（.xlsx）格式" in text(response)
    missing = upload(admin, workbook([], header=("企业名称",)))
    assert missing.status_code == 200 and "缺少列：认定年度、统一社会信用代码、标杆类型" in text(missing)
    assert admin.get("/admin/recognition/prior/template.xlsx").status_code == 200
