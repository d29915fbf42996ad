"""The review plan (the default score sheet, settings, criteria, the lock once scoring starts) and the 专家库 (page,
Excel import all or nothing, logins issued by the 安全管理员 only)."""
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import ApplicationType, Criterion, Expert, ReviewPlan, Role, User

from tests.conftest import make_credit_code, text
from tests.selection.builders import assign, expert, plan_for, recommended, scored


def campaign_id(app):
    with app.app_context():
        return current_campaign().id


def test_the_default_score_sheet_and_the_note_that_the_province_sets_its_own(app, login_as):
    admin = login_as("admin")
    url = f"/admin/selection/{campaign_id(app)}/plan"
    page = text(admin.get(url))
    assert "以默认评分表创建评审方案" in page and "请省厅按本年度通知自行修改" in page
    assert admin.post(f"{url}/create").status_code == 303
    assert admin.post(f"{url}/create").status_code == 409                  # once
    with app.app_context():
        plan = db.session.execute(db.select(ReviewPlan)).scalar_one()
        for sheet in plan.sheets:
            assert [(c.name, c.max_score) for c in sheet.scored] == [
                ("场景建设水平", 40), ("实施成效", 30), ("示范推广价值", 15), ("基础与保障", 15)]
            assert [b["label"] for b in sheet.scored[0].bands] == ["优", "良", "中", "差"]
            assert len(sheet.gates) == 3 and sheet.pass_mark == 60 and sheet.maximum == 100
        assert {s.app_type for s in plan.sheets} == set(ApplicationType)
        assert not plan.experts_see_others and plan.avoid_same_prefecture
    assert "评分项、分值、档次和通过分数由省厅自行确定" in text(admin.get(url))


def test_settings_and_criteria_are_edited_and_checked(app, login_as):
    admin = login_as("admin")
    url = f"/admin/selection/{campaign_id(app)}/plan"
    admin.post(f"{url}/create")
    response = admin.post(url, data={"experts_per_application": "0", "aggregation": "mean",
                                     "disagreement_threshold": "15"})
    assert response.status_code == 200 and "专家人数应为1–15人" in text(response)
    assert admin.post(url, data={"experts_per_application": "3", "aggregation": "mean",
                                 "disagreement_threshold": "15", "deadline_date": "2030-01-10",
                                 "deadline_time": "17:00", "avoid_same_prefecture": "y"}).status_code == 303
    with app.app_context():
        plan = db.session.execute(db.select(ReviewPlan)).scalar_one()
        assert plan.experts_per_application == 3 and plan.disagreement_threshold == 15
        assert not plan.comments_required and plan.deadline is not None
        first = plan.sheet_for(ApplicationType.ENTERPRISE).criteria[0]
    bad = admin.post(f"{url}/criteria/{first.id}", data={f"c{first.id}-name": "场景建设水平",
                                                        f"c{first.id}-max_score": "40",
                                                        f"c{first.id}-bands": "优 34\n良 abc"})
    assert bad.status_code == 409 and "档次第2行的下限“abc”不是数字" in text(bad) and "良 abc" in text(bad)
    assert admin.post(f"{url}/criteria/{first.id}", data={f"c{first.id}-name": "场景建设与集成水平",
                                                         f"c{first.id}-max_score": "45",
                                                         f"c{first.id}-bands": "优 38 领先\n良 30\n差 0"}
                      ).status_code == 303
    assert admin.post(f"{url}/enterprise/criteria", data={"new-enterprise-name": "安全可控",
                                                          "new-enterprise-max_score": "5"}).status_code == 303
    with app.app_context():
        sheet = db.session.execute(db.select(ReviewPlan)).scalar_one().sheet_for(ApplicationType.ENTERPRISE)
        assert sheet.criteria[0].name == "场景建设与集成水平" and sheet.criteria[0].max_score == 45
        assert [b["label"] for b in sheet.criteria[0].bands] == ["优", "良", "差"]
        assert sheet.criteria[-1].name == "安全可控" and sheet.maximum == Decimal(110)


def test_the_sheet_is_locked_once_an_expert_has_scored(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        plan = plan_for()
        application = recommended("湖南评分锁定装备有限公司", "长沙市")
        scored(assign(application, expert("锁定专家", "株洲市")), [30, 20, 10, 10], submitted=False)
        first = plan.sheet_for(ApplicationType.ENTERPRISE).criteria[0].id
        db.session.commit()
    url = f"/admin/selection/{campaign_id(app)}/plan"
    response = admin.post(f"{url}/criteria/{first}/delete")
    assert response.status_code == 409 and "已有专家开始评分" in text(response)
    with app.app_context():
        assert db.session.get(Criterion, first) is not None
    # Settings stay editable (a deadline can be extended).
    assert admin.post(url, data={"experts_per_application": "5", "aggregation": "trimmed",
                                 "disagreement_threshold": "20", "comments_required": "y",
                                 "avoid_same_prefecture": "y"}).status_code == 303


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "工作单位", "工作单位统一社会信用代码", "所在市州", "职称", "专业领域（环节，顿号分隔）", "手机",
                  "电子邮箱", "状态（在库/停用）"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post_import(client, data: bytes):
    return client.post("/admin/experts/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), "专家名单.xlsx")})


def test_the_pool_is_imported_from_excel_all_rows_or_none(app, login_as):
    admin = login_as("admin")
    template = admin.get("/admin/experts/template.xlsx")
    assert template.status_code == 200
    assert [c.value for c in load_workbook(io.BytesIO(template.data)).active[1]][0] == "姓名"
    code = make_credit_code("430202", 55)
    bad = post_import(admin, workbook([
        ["李教授", "湖南大学", "", "长沙市", "教授", "生产作业、质量管控", "13800000001", "li@example.com", "在库"],
        ["", "中南大学", "", "长沙", "", "", "", "", ""],
        ["王工", "某公司", "91430000BAD", "株洲市", "高工", "飞行驾驶", "123", "", ""],
        ["赵工", "某公司", code, "火星市", "", "", "", "", ""],
    ]))
    page = text(bad)
    assert bad.status_code == 200 and "未导入任何数据" in page
    assert "第3行（未填姓名）：请填写姓名。" in page
    assert "第4行" in page and "统一社会信用代码应为18位" in page
    assert "第5行（赵工）" in page and "所在市州“火星市”不是湖南省的市州" in page
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Expert)).scalar_one() == 0
    good = post_import(admin, workbook([
        ["李教授", "湖南大学", "", "长沙", "教授", "生产作业、质量管控", "13800000001", "li@example.com", "在库"],
        ["赵工", "株洲某装备公司", code, "株洲市", "高工", "设备管理", "13800000002", "", "停用"],
    ]))
    assert good.status_code == 303
    again = post_import(admin, workbook([["李教授", "中南大学", "", "长沙市", "教授", "", "13800000001", "", ""]]))
    assert again.status_code == 303
    with app.app_context():
        experts = {e.name: e for e in db.session.execute(db.select(Expert)).scalars()}
        assert set(experts) == {"李教授", "赵工"}
        assert experts["李教授"].employer == "中南大学" and experts["李教授"].prefecture_adcode == "430100"
        assert experts["赵工"].employer_credit_code == code and not experts["赵工"].active
    assert "未开通" in text(admin.get("/admin/experts/"))


def test_only_the_security_admin_issues_expert_logins(app, login_as):
    admin, security = login_as("admin"), login_as("security")
    with app.app_context():
        entry = Expert(name="待开通专家", employer="湘潭大学", prefecture_adcode="430300", fields=[])
        db.session.add(entry)
        db.session.commit()
        entry_id = entry.id
    assert admin.get(f"/admin/accounts/experts/{entry_id}/login").status_code == 403
    assert admin.post(f"/admin/accounts/experts/{entry_id}/login", data={"login": "zj_new"}).status_code == 403
    assert security.get("/admin/experts/").status_code == 403                # the pool is the admin's
    assert "待开通专家" in text(security.get("/admin/accounts/experts"))
    response = security.post(f"/admin/accounts/experts/{entry_id}/login", data={"login": "zj_new"})
    assert response.status_code == 200 and "一次性密码" in text(response)
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(login="zj_new")).scalar_one()
        assert user.role is Role.EXPERT and user.must_change_password
        assert db.session.get(Expert, entry_id).user_id == user.id
    again = security.post(f"/admin/accounts/experts/{entry_id}/login", data={"login": "zj_new2"})
    assert again.status_code == 409 and "已有登录账号" in text(again)


def test_experts_are_added_and_edited_on_a_page(app, login_as):
    admin = login_as("admin")
    response = admin.post("/admin/experts/new", data={"name": "", "employer": "", "prefecture_adcode": ""})
    assert response.status_code == 200 and "请填写姓名" in text(response)
    response = admin.post("/admin/experts/new", data={
        "name": "周专家", "employer": "湖南科技大学", "prefecture_adcode": "430300", "title": "教授",
        "fields": ["生产作业", "设备管理"], "phone": "13800000009", "email": "zhou@example.com", "active": "y"})
    assert response.status_code == 303
    with app.app_context():
        entry = db.session.execute(db.select(Expert).filter_by(name="周专家")).scalar_one()
        assert entry.fields == ["生产作业", "设备管理"] and entry.active
    response = admin.post(f"/admin/experts/{entry.id}/relations", data={"credit_code": "91430000", "reason": "任职"})
    assert response.status_code == 200 and "统一社会信用代码应为18位" in text(response)
    code = make_credit_code("430104", 77)
    assert admin.post(f"/admin/experts/{entry.id}/relations", data={"credit_code": code, "reason": "曾任职"}
                      ).status_code == 303
    assert code in text(admin.get(f"/admin/experts/{entry.id}"))
