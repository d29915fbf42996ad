"""Enterprise self-registration: every refusal has a Chinese message; the county decides the unit."""
from webapp.core.extensions import db
from webapp.models import AuditRecord, Enterprise, User

from tests.conftest import PASSWORD, make_credit_code, text

CODE = make_credit_code("430104", 7)


def form(**overrides):
    data = {"company_name": "湖南湘江智造有限公司", "credit_code": CODE, "prefecture": "430100", "county": "430104",
            "contact_name": "王五", "mobile": "13912345678", "password": PASSWORD, "password2": PASSWORD}
    data.update(overrides)
    return data


def registered(app, code=CODE):
    """The enterprise registered with `code`, or None; inside an app context when the caller has one."""
    from flask import has_app_context
    if has_app_context():
        return db.session.execute(db.select(Enterprise).filter_by(credit_code=code)).scalar_one_or_none()
    with app.app_context():
        return db.session.execute(db.select(Enterprise.id).filter_by(credit_code=code)).scalar_one_or_none()


def test_register_logs_in_and_assigns_the_prefecture_unit(client, app):
    response = client.post("/register", data=form(county="430203", prefecture="430200"))
    assert response.status_code == 302
    page = text(client.get("/home", follow_redirects=True))
    assert "湖南湘江智造有限公司" in page and "株洲市工业和信息化局" in page
    with app.app_context():
        enterprise = registered(app)
        assert enterprise.unit.name == "株洲市工业和信息化局"
        assert enterprise.users[0].check_password(PASSWORD)
        assert not enterprise.check_char_confirmed and not enterprise.outside_hunan
        assert db.session.execute(db.select(AuditRecord).filter_by(action="account.register")).scalar_one()


def test_register_page_lists_prefectures(client):
    page = text(client.get("/register"))
    assert "长沙市" in page and "湘西土家族苗族自治州" in page


def test_full_width_and_lower_case_code_is_normalised(client, app):
    full_width = CODE.translate(str.maketrans("0123456789", "０１２３４５６７８９")).lower()
    assert client.post("/register", data=form(credit_code=full_width)).status_code == 302
    assert registered(app) is not None


def test_duplicate_credit_code_refused(client, app, accounts):
    client.post("/register", data=form())
    other = app.test_client()
    page = text(other.post("/register", data=form(company_name="另一家公司")))
    assert "该统一社会信用代码已注册" in page


def test_wrong_check_character_refused_with_explanation(client, app):
    wrong = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    page = text(client.post("/register", data=form(credit_code=wrong)))
    assert "校验位不符" in page and f"应为“{CODE[17]}”" in page
    assert "确认与营业执照上印制的代码完全一致" in page
    assert registered(app, wrong) is None


def test_wrong_check_character_accepted_when_confirmed_and_flagged(client, app):
    wrong = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    response = client.post("/register", data=form(credit_code=wrong, confirm_code_as_printed="y"))
    assert response.status_code == 302
    with app.app_context():
        enterprise = registered(app, wrong)
        assert enterprise.check_char_confirmed
        assert any("校验位" in flag for flag in enterprise.flags)


def test_code_outside_hunan_gets_a_warning_not_a_refusal(client, app):
    beijing = make_credit_code("110105", 3)
    response = client.post("/register", data=form(credit_code=beijing), follow_redirects=True)
    assert "登记机关不在湖南省" in text(response)
    with app.app_context():
        assert registered(app, beijing).outside_hunan


def test_forbidden_letter_refused(client, app):
    page = text(client.post("/register", data=form(credit_code="91430100MA4L2BCS13")))
    assert "不含字母 I、O、Z、S、V" in page


def test_wrong_length_refused(client):
    assert "应为18位，当前为10位" in text(client.post("/register", data=form(credit_code="9143010012")))


def test_required_fields(client, app):
    page = text(client.post("/register", data=form(company_name="", county="", contact_name="", mobile="")))
    for message in ("请填写企业名称", "请选择所在县市区", "请填写联系人姓名", "请填写手机号码"):
        assert message in page
    assert registered(app) is None


def test_county_must_be_from_the_list(client, app):
    page = text(client.post("/register", data=form(county="110105")))
    assert "不是有效的选择" in page
    assert registered(app) is None


def test_mobile_format(client):
    assert "请输入11位手机号码" in text(client.post("/register", data=form(mobile="0731-8888888")))


def test_full_width_mobile_accepted(client, app):
    assert client.post("/register", data=form(mobile="１３９１２３４５６７８")).status_code == 302
    with app.app_context():
        assert registered(app).users[0].mobile == "13912345678"


def test_password_policy(client, app):
    assert "至少8位" in text(client.post("/register", data=form(password="Ab1!", password2="Ab1!")))
    assert "至少三类" in text(client.post("/register", data=form(password="abcdefgh1", password2="abcdefgh1")))
    with_code = CODE + "a!"
    assert "不能包含" in text(client.post("/register", data=form(password=with_code, password2=with_code)))
    assert "两次输入的密码不一致" in text(client.post("/register", data=form(password2="Other0ne!")))
    assert registered(app) is None


def test_county_list_refreshes_without_javascript(client, app):
    page = text(client.post("/register", data=form(prefecture="433100", county="", refresh="1")))
    assert "吉首市" in page and "请选择所在县市区" not in page
    assert registered(app) is None


def test_county_options_fragment(client):
    response = client.get("/options/counties?prefecture=430100", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "岳麓区" in body and "吉首市" not in body


def test_one_account_per_code(app, client):
    client.post("/register", data=form())
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 1
