"""Bad input, generated: every form of the applicant (each section of the 申报书, a 场景 block), registration and login
get random and hostile values. Never a 500; a refused value is answered in Chinese (never WTForms' English defaults);
a refused request leaves the stored data exactly as it was (webapp.snapshot.serialize before and after)."""
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from webapp.core.extensions import db
from webapp.models import Application, ApplicationScenario, Enterprise, SectionVersion, User
from webapp.applications.sections import SECTIONS
from webapp.applications.snapshot import serialize

from tests.form_data import SECTION_POSTS, start_application
from tests.applications.test_implementation import Editor, start

HTMX = {"HX-Request": "true"}
FUZZ = settings(max_examples=25, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])

HOSTILE = [
    "", " ", "\t\n", "\x00", "简介\x00中间", "😀🏭✅" * 20, "\u202e\u200f右到左标记\u202c", "１２３４５６", "１,２３４.５６",
    "-1", "-0.001", "-99999999999999", "99999999999999999999999", "1e308", "NaN", "inf", "0x1F", "150", "100.01",
    "100", "0", "2024-02-30", "2024-13-01", "0000-00-00", "9999-12-31", "2099-01-01", "30/02/2024", "昨天",
    "not-an-option", "<script>alert(1)</script>", "' OR 1=1 --", "%s%n%x", "=HYPERLINK(\"http://x\")", "y", "on",
    "True", "43", "430104", "91430100MA4L2BCD13", "91430100MA4L2BCD1X", "a" * 501, "字" * 151,
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers(-10**15, 10**15).map(str),
                   st.decimals(allow_nan=False, places=4).map(str), st.just("字" * 100_000),
                   st.just("x" * 100_000))
ENGLISH = re.compile(r"This field is required|Not a valid|Invalid (choice|value|date|email|input)|Field must be|"
                     r"must be (between|at least|at most)|is not a valid|The CSRF token", re.IGNORECASE)
CJK = re.compile(r"[\u4e00-\u9fff]")
ERRORS = re.compile(r'<(?:ul class="field-errors"[^>]*|div class="error-summary"[^>]*)>(.*?)</(?:ul|div)>', re.S)
FORM_KEYS = [s.key for s in SECTIONS if s.form is not None]


def payload(draw, base: dict, names: list[str]) -> dict:
    """The valid post with some fields hostile, some missing, and maybe some extra ones."""
    data = dict(base)
    for name in draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True)):
        data[name] = draw(VALUES)
    for name in draw(st.lists(st.sampled_from(sorted(data)), max_size=3, unique=True)):
        data.pop(name, None)
    if draw(st.booleans()):
        data[draw(st.sampled_from(["extra", "id", "status", "enterprise_id", "unit_id", "years-9-revenue",
                                   "functions-99", "__class__"]))] = draw(VALUES)
    return data


def assert_answered_in_chinese(response) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:2000]
    assert not ENGLISH.search(body), ENGLISH.search(body).group(0)
    for block in ERRORS.findall(body):
        for item in re.findall(r"<li>(.*?)</li>", block, re.S) or [block]:
            assert CJK.search(item), item[:300]
    return body


def application_state(app, application_id):
    with app.app_context():
        application = db.session.get(Application, application_id)
        versions = {row.section: row.version for row in db.session.execute(
            db.select(SectionVersion).filter_by(application_id=application_id)).scalars()}
        return serialize(application), versions


@pytest.fixture
def applicant(app, login_as):
    client = login_as("applicant")
    client.application_id = start_application(client)
    return client


@pytest.mark.parametrize("key", FORM_KEYS)
def test_section_forms_refuse_bad_input_clearly_and_keep_the_data(app, applicant, key):
    base = SECTION_POSTS[key]
    with app.test_request_context():
        section = next(s for s in SECTIONS if s.key == key)
        form_names = [f.name for f in section.form(formdata=None) if f.type not in ("FieldList", "CSRFTokenField")]
    names = sorted(set(base) | set(form_names) | {"version"})
    url = f"/applications/{applicant.application_id}/sections/{key}"

    @FUZZ
    @given(st.data())
    def run(data):
        before, versions = application_state(app, applicant.application_id)
        post = payload(data.draw, dict(base, version=str(versions.get(key, 0))), names)
        response = applicant.post(url, data=post, headers=HTMX)
        body = assert_answered_in_chinese(response)
        after, versions_after = application_state(app, applicant.application_id)
        if versions_after.get(key, 0) == versions.get(key, 0):
            # Refused: nothing stored, and said why, in Chinese.
            assert after == before
            assert response.status_code in (200, 400, 409, 413)
            assert CJK.search(body)
        else:
            assert response.status_code == 200 and "已保存" in body

    run()


def test_the_scenario_form_refuses_bad_input_clearly_and_keeps_the_data(app, login_as):
    client = login_as("applicant")
    editor = Editor(app, client, start(client))
    editor.add_link("质量管控")
    editor.add_scenario("质量管控", "智能在线检测")
    with app.app_context():
        block = db.session.execute(db.select(ApplicationScenario.id)).scalar_one()
    prefix = f"scenario-{block}-"
    fields = ["name", "description", "pain_points", "solution", "safeguards", "results", "other"]
    base = {prefix + name: f"合理的{name}内容。" for name in fields}

    @FUZZ
    @given(st.data())
    def run(data):
        before, versions = application_state(app, editor.id)
        post = payload(data.draw, dict(base, version=str(versions.get("implementation", 0))),
                       [prefix + name for name in fields] + ["version"])
        response = client.post(f"/applications/{editor.id}/scenarios/{block}", data=post, headers=HTMX)
        body = assert_answered_in_chinese(response)
        after, versions_after = application_state(app, editor.id)
        if versions_after.get("implementation") == versions.get("implementation"):
            assert after == before and CJK.search(body)
        else:
            assert response.status_code == 200 and "已保存" in body

    run()


REGISTRATION = {"company_name": "湖南模糊测试有限公司", "credit_code": "91430100MA4L2BCD13", "prefecture": "430100",
                "county": "430104", "contact_name": "张三", "mobile": "13800000000", "password": "Passw0rd!x-2024",
                "password2": "Passw0rd!x-2024", "confirm_code_as_printed": ""}


def counts(app):
    with app.app_context():
        return tuple(db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
                     for model in (User, Enterprise))


def test_registration_and_login_refuse_bad_input_clearly(app, accounts):
    existing = accounts.enterprise()

    @FUZZ
    @given(st.data())
    def run(data):
        client = app.test_client()
        before = counts(app)
        post = payload(data.draw, REGISTRATION, sorted(REGISTRATION))
        response = client.post("/register", data=post)
        body = assert_answered_in_chinese(response)
        if response.status_code == 302:       # a valid registration went through: one enterprise, one account
            assert counts(app) == (before[0] + 1, before[1] + 1)
        else:
            assert counts(app) == before and CJK.search(body)
        login_post = payload(data.draw, {"login": existing, "password": "wrong"}, ["login", "password"])
        response = app.test_client().post("/login", data=login_post, environ_base={
            "REMOTE_ADDR": f"10.0.{data.draw(st.integers(0, 255))}.{data.draw(st.integers(1, 254))}"})
        body = assert_answered_in_chinese(response)
        assert response.status_code in (200, 400, 413) and CJK.search(body)

    run()
