"""Fixtures: a fresh app and database per test, accounts per role, helpers to log in."""
import re
from datetime import timedelta

import pytest

from webapp import create_app
from webapp.accounts import captcha
from webapp.accounts.operations import create_staff_user, register_enterprise
from webapp.campaigns.lookup import create_campaign
from webapp.accounts.codes import check_character
from webapp.core.extensions import db
from webapp.documents.content_cache import documents
from webapp.models import Role
from webapp.ops.seeding import default_edition, load_reference
from webapp.selection.experts import create_with_login
from webapp.core.timeutil import utcnow

from tests.dbsetup import make_template

PASSWORD = "Passw0rd!x-2024"   # 12+ characters: the staff policy


def make_credit_code(region: str = "430104", serial: int = 1) -> str:
    """A valid 统一社会信用代码 in `region` (the check character computed)."""
    body = f"91{region}{serial:09d}"
    return body + check_character(body)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A seeded database built once; each test gets a copy (SQLite file, or PostgreSQL with TEST_DATABASE_URL)."""
    folder = tmp_path_factory.mktemp("template")
    template = make_template(folder)
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": template.uri})
    with app.app_context():
        db.create_all()
        load_reference()
        db.session.commit()
        db.engine.dispose()
    yield template
    template.close()


@pytest.fixture
def app(tmp_path, template_db):
    documents.clear()            # a new app keeps no documents, as a new process
    database_uri = template_db.copy(tmp_path)
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "DOCUMENT_FOLDER": str(tmp_path / "documents"),
        "LOG_FOLDER": str(tmp_path / "logs"),
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",   # fast in tests; production uses scrypt
    })
    with app.app_context():
        create_campaign(year=2024, title="2024年湖南省智能制造标杆申报",
                        enterprise_deadline=utcnow() + timedelta(days=30),
                        unit_deadline=utcnow() + timedelta(days=45), edition=default_edition())
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()
    template_db.discard(database_uri)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Accounts:
    """Creates accounts for each role and logs clients in as them."""

    def __init__(self, app):
        self.app = app
        self.serial = 0

    def enterprise(self, county: str = "430104", name: str = "湖南测试智能装备有限公司", password: str = PASSWORD):
        self.serial += 1
        with self.app.app_context():
            user = register_enterprise(name=f"{name}{self.serial}" if self.serial > 1 else name,
                                       credit_code=make_credit_code(county, self.serial), county_adcode=county,
                                       contact_name="张三", mobile="13800000000", password=password)
            db.session.commit()
            return user.login

    def expert(self, login: str, prefecture: str = "株洲市"):
        """An expert of the pool with a login (its 所在市州 `prefecture`), ready to sign in."""
        with self.app.app_context():
            user, _ = create_with_login(login, prefecture, f"{login}专家")
            user.set_password(PASSWORD)
            user.must_change_password = False
            db.session.commit()
            return login

    def staff(self, role: Role, login: str, unit: str | None = None):
        with self.app.app_context():
            user, _ = create_staff_user(role=role, login=login, unit_name=unit)
            user.set_password(PASSWORD)
            user.must_change_password = False
            db.session.commit()
            return login


@pytest.fixture
def accounts(app):
    return Accounts(app)


CAPTCHA_TOKEN = re.compile(r'name="captcha_token" type="hidden" value="([^"]+)"')


def captcha_answer(client, page: str) -> dict:
    """The captcha fields a person would fill in from the picture on `page` (the test reads the answer from the
    server's own function instead of the picture)."""
    token = CAPTCHA_TOKEN.search(page).group(1)
    with client.application.app_context():
        return {"captcha_token": token, "captcha": captcha.answer_for(captcha.nonce_of(token))}


def login(client, login_name: str, password: str = PASSWORD, *, solve_captcha: bool = True, **kwargs):
    """Log in as a person would: when the page asks for a captcha (after a few failures), answer it."""
    response = client.post("/login", data={"login": login_name, "password": password}, **kwargs)
    if solve_captcha and response.status_code == 200 and "请输入图中的验证码" in response.get_data(as_text=True):
        fields = captcha_answer(client, response.get_data(as_text=True))
        response = client.post("/login", data={"login": login_name, "password": password, **fields}, **kwargs)
    return response


@pytest.fixture
def login_as(app, accounts):
    """login_as('applicant'|'recommender'|'other_recommender'|'admin'|'expert'|'other_expert'|…) → a logged-in
    test client. An expert is a 专家库 entry with a login (株洲市; the other one 湘潭市)."""

    def _login(role: str, **kwargs):
        client = app.test_client()
        if role == "applicant":
            name = accounts.enterprise(**kwargs)
        elif role == "recommender":
            name = accounts.staff(Role.RECOMMENDER, kwargs.get("login", "cs_reviewer"), kwargs.get("unit", "长沙市"))
        elif role in ("expert", "other_expert"):
            default = ("expert_user", "株洲市") if role == "expert" else ("other_expert_user", "湘潭市")
            name = accounts.expert(kwargs.get("login", default[0]), kwargs.get("unit", default[1]))
        elif role == "other_recommender":
            name = accounts.staff(Role.RECOMMENDER, kwargs.get("login", "zz_reviewer"), kwargs.get("unit", "株洲市"))
        else:
            name = accounts.staff(Role(role), kwargs.get("login", f"{role}_user"))
        response = login(client, name)
        assert response.status_code == 302, response.get_data(as_text=True)
        client.login_name = name
        return client

    return _login


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))
