"""Access control built from the URL map: a new endpoint is covered without anyone adding it here.

Every endpoint must declare who may reach it (`public`, or the roles of `roles_required`). Then each GET endpoint
is called as anonymous and as every role: the unauthenticated are sent to the login page, a wrong role gets 403.
"""
import pytest

from webapp.models import Role

ROLES = ["applicant", "recommender", "admin", "security", "auditor", "expert"]


def endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def fill(rule, ids):
    """Build a URL for the rule, filling each argument with the id of a real object where there is one."""
    values = {arg: ids.get(arg, 1) for arg in rule.arguments}
    return rule.build(values)[1]


def test_every_endpoint_declares_its_audience(app):
    unguarded = [rule.rule for rule, view in endpoints(app)
                 if not getattr(view, "public", False) and not getattr(view, "allowed_roles", None)]
    assert unguarded == []


def test_anonymous_is_sent_to_login(app, client):
    for rule, view in endpoints(app):
        if getattr(view, "public", False):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(fill(rule, {}), method=method)
            assert response.status_code == 302 and "/login" in response.location, (rule.rule, method)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_its_endpoints(app, login_as, role):
    client = login_as(role)
    for rule, view in endpoints(app):
        allowed = getattr(view, "allowed_roles", None)
        if allowed is None or "GET" not in rule.methods:
            continue
        response = client.get(fill(rule, {}))
        if Role(role) in allowed:
            assert response.status_code in (200, 302, 404), (rule.rule, role, response.status_code)
        else:
            assert response.status_code == 403, (rule.rule, role, response.status_code)


# ---- every endpoint × every kind of caller, on another enterprise's objects ------------------------------------
#
# Enterprise A (长沙) has a submitted, complete application with pictures and stored files. Every endpoint of the URL
# map is called (GET and POST) with A's object ids in its URL, as: anonymous, applicant A, applicant B (another
# enterprise of the same prefecture), the recommender of A's prefecture, the recommender of another prefecture, the
# province admin, the security admin and the auditor. Refused callers get 403/404 (anonymous: the login page), their
# POSTs change nothing, and no refused answer - nor any answer to B or to the other prefecture - shows A's data.
# A new URL argument must be given a value below, or the test fails and says so.

import io                                                   # noqa: E402
import itertools                                            # noqa: E402
from datetime import timedelta                              # noqa: E402

from webapp.accounts.colleagues import add_colleague                    # noqa: E402
from webapp.applications.lifecycle import submit_application          # noqa: E402
from webapp.notices.inbox import notify                                # noqa: E402
from webapp.campaigns.lookup import current_campaign               # noqa: E402
from webapp.accounts import captcha                              # noqa: E402
from webapp.core.extensions import db                            # noqa: E402
from webapp.models import (                                 # noqa: E402
    Application, AttachmentCategory, DeadlineExtension, MemberAccess, ReviewComment, User,
)
from webapp.documents.pdf import office_binary                       # noqa: E402

from tests.conftest import PASSWORD, login                       # noqa: E402
from tests.factories import (                                # noqa: E402
    add_solution_picture, make_complete_application, make_enterprise, make_png, stamp,
)
from tests.selection.builders import review_world                     # noqa: E402
from tests.publicity.builders import access_world                     # noqa: E402
from tests.recognition.access_world import recognition_world           # noqa: E402

A_NAME = "湖南甲独有智能装备股份有限公司"
A_MARKERS = ("甲独有", "QX7Z9")         # in A's name, profile, a 场景 and a file name: never shown to anyone else
# A's own objects (and A's account): B, the other unit and the expert not assigned to A are refused.
OBJECT_ARGS = {"application_id", "attachment_id", "block_id", "assignment_id", "scan_id", "colleague_id", "notice_id",
               "user_id", "final_id", "comment_id", "certificate_id", "recheck_id", "recheck_file_id"}
OWNER_ARGS = {"notice_id"}          # a user's own: everyone but its owner is refused
ALLOWED = {200, 204, 302, 303, 409}
REFUSED = {403, 404}
CALLERS = ["anonymous", "applicant_b", "other_recommender", "other_expert", "expert", "auditor", "admin",
           "recommender", "applicant_a", "security"]
CALLER_ROLE = {"applicant_a": Role.APPLICANT, "applicant_b": Role.APPLICANT, "recommender": Role.RECOMMENDER,
               "other_recommender": Role.RECOMMENDER, "admin": Role.ADMIN, "security": Role.SECURITY,
               "auditor": Role.AUDITOR, "expert": Role.EXPERT, "other_expert": Role.EXPERT}
NOT_A_STATE = {"audit_record", "audit_seal", "login_counter", "captcha_use"}
REFUSALS = ("login", "forbidden", "refused", "refused_or_stale")
OTHERS = ("applicant_b", "other_recommender", "other_expert", "anonymous")
STRANGERS = ("applicant_b", "other_recommender", "other_expert")


@pytest.fixture
def world(app, login_as):
    """A's submitted application and every caller's client; the ids to put into URLs."""
    with app.app_context():
        enterprise = make_enterprise(db.session, name=A_NAME)
        campaign = current_campaign()
        application = make_complete_application(db.session, enterprise=enterprise, campaign=campaign,
                                                 write_files=True)
        application.profile = "甲独有的企业简介，标记QX7Z9。" + application.profile[:400]
        app_link = application.links[0]
        app_scenario = app_link.scenarios[0]
        app_scenario.description = "甲独有的场景描述QX7Z9。"
        picture = add_solution_picture(db.session, app_scenario, make_png(12, 8), name="甲独有配图.png",
                                       write_file=True)
        proof = next(a for a in application.attachments if a.category is AttachmentCategory.LICENSE)
        proof.original_name = "甲独有营业执照.pdf"
        user = enterprise.users[0]
        stamp(db.session, application, write_files=True)      # the picture is in the 盖章版
        submit_application(application, user)
        comment = ReviewComment(application=application, section="profile", text="请补充企业简介。")
        db.session.add(comment)
        colleague, _password = add_colleague(user, name="甲的同事", mobile="13900000009", access=MemberAccess.ALL)
        notice = notify(user, "test", "甲独有的消息", "正文", "/home")
        extension = DeadlineExtension(campaign=campaign, enterprise=enterprise, reason="甲独有的延期理由",
                                      deadline=campaign.enterprise_deadline + timedelta(days=3))
        db.session.add(extension)
        db.session.commit()
        ids = {"application_id": [application.id], "attachment_id": [proof.id, picture.id],
               "link_block": app_link.id, "scenario_block": app_scenario.id, "unit_id": [application.unit_id],
               "user_id": [user.id], "campaign_id": [campaign.id], "extension_id": [extension.id],
               "year": [campaign.year], "key": ["profile"], "direction": ["up"], "login": user.login,
               "token": [captcha.new_token()], "colleague_id": [colleague.id], "notice_id": [notice.id],
               "attachment_sections": {proof.id: "attachments", picture.id: "implementation"},
               "final_id": [application.final_prints[-1].id], "comment_id": [comment.id]}
    clients = {"anonymous": app.test_client(), "applicant_a": app.test_client()}
    assert login(clients["applicant_a"], ids["login"]).status_code == 302
    clients["applicant_b"] = login_as("applicant")                   # also in 长沙
    b_client = clients["applicant_b"]
    b_client.post("/applications/start")
    clients.update(recommender=login_as("recommender"), other_recommender=login_as("other_recommender"),
                   admin=login_as("admin"), security=login_as("security"), auditor=login_as("auditor"),
                   expert=login_as("expert"), other_expert=login_as("other_expert"))
    with app.app_context():
        # A in the province's selection: a plan, an assignment to `expert` (株洲) with a score, a letter scan, …
        ids.update(review_world(db.session.get(Application, ids["application_id"][0]), "expert_user"))
        # … and a running 公示 with an objection (a file attached) against a line of A's campaign.
        published = access_world(db.session.get(Application, ids["application_id"][0]))
        ids["token"].append(published.pop("publicity_token"))
        ids.update(published)
        ids.update(recognition_world(db.session.get(Application, ids["application_id"][0])))
        db.session.commit()
        ids["staff_user_id"] = [db.session.execute(db.select(User.id).filter_by(login="cs_reviewer")).scalar_one()]
        ids["b_application_id"] = db.session.execute(db.select(Application.id).where(
            Application.id != ids["application_id"][0])).scalar_one()
    return clients, ids


def url_values(rule, ids) -> list[dict]:
    """Every combination of A's object ids for the rule's arguments (by name); an unknown name fails the test."""
    choices = {}
    for arg in sorted(rule.arguments):
        if arg == "block_id":
            choices[arg] = [ids["link_block"] if "/links/" in rule.rule else ids["scenario_block"]]
        elif arg == "user_id" and rule.endpoint.startswith("security_settings."):
            choices[arg] = ids["staff_user_id"]           # a second factor belongs to a staff account
        elif arg in ids:
            choices[arg] = ids[arg]
        else:
            pytest.fail(f"The access test does not know what to put into <{arg}> of {rule.rule} ({rule.endpoint}): "
                        f"add a value for {arg!r} to `ids` in the `world` fixture of tests/test_access.py.")
    return [dict(zip(choices, combination)) for combination in itertools.product(*choices.values())]


def post_body(endpoint: str, values: dict) -> dict:
    """A body that a legitimate caller would send (so a refusal is about who asks, not about the input)."""
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    scenario = f"scenario-{values.get('block_id')}"
    return {
        "attachments.upload": {"category": "license", "file": (io.BytesIO(pdf), "替换.pdf")},
        "application.save_section": {"version": "1", "profile": "被他人改写的简介"},
        "implementation.save_scenario_block": {"version": "0", f"{scenario}-description": "被他人改写"},
        "implementation.add_link_block": {"version": "0", "add-link-link": "1"},
        "review.return_application": {"return-comment": "请补充材料。"},
        "review.set_position": {"position": "1"},
        "review.move_row": {"direction": "up"},
        "review.bulk": {"action": "recommend", "ids": str(values.get("application_id", "")),
                             "return_to": "/review/"},
        "review.admin_return_report": {"comment": "请重新报送。"},
        "review.recommend": {"recommend-comment": "推荐。"},
        "sheet.save_section": {f"{values.get('section')}-value": "30", f"{values.get('section')}-comment": "评语"},
        "expert.decline": {"reason": "曾在该企业任职"},
        "auth.login": {"login": "nobody", "password": "x"},
    }.get(endpoint, {})


def mutable_state(app) -> dict:
    """Every row of every table a request could change (not the reference data, not the audit trail)."""
    from webapp.models import reference
    static = {m.__table__.name for m in vars(reference).values()
              if isinstance(m, type) and issubclass(m, db.Model) and hasattr(m, "__table__")}
    with app.app_context():
        state = {}
        for table in db.metadata.sorted_tables:
            if table.name in static or table.name in NOT_A_STATE:
                continue
            rows = db.session.execute(db.select(table)).all()
            state[table.name] = sorted((tuple(map(repr, row)) for row in rows))
        return state


def a_state(app, ids) -> dict:
    """A's objects only: what B or the other unit must never change, even through endpoints they may use."""
    from webapp.applications.snapshot import serialize
    with app.app_context():
        application = db.session.get(Application, ids["application_id"][0])
        user = db.session.get(User, ids["user_id"][0])
        return {"data": serialize(application), "status": application.status, "order": application.recommend_order,
                "version": application.version,
                "user": (user.password_hash, user.active, user.session_generation, user.must_change_password)}


def expected(caller: str, view, rule, office: bool) -> str:
    if getattr(view, "public", False):
        return "public"
    if caller == "anonymous":
        return "login"
    if CALLER_ROLE[caller] not in view.allowed_roles:
        return "forbidden"
    if caller in STRANGERS and rule.arguments & OBJECT_ARGS:
        return "refused"
    if caller != "applicant_a" and rule.arguments & OWNER_ARGS:
        return "refused"
    if rule.endpoint in ("documents.pdf", "recognition_results.certificate_pdf_view") and not office:
        return "refused"                  # no LibreOffice on this server: the PDF is not offered to anyone
    return "allowed"


def ordered_calls(app):
    """(rule, method) pairs; logging out comes last, so each caller stays signed in for all the others."""
    calls = [(rule, method) for rule, _view in endpoints(app) for method in sorted(rule.methods & {"GET", "POST"})]
    return sorted(calls, key=lambda call: (call[0].endpoint == "auth.logout", call[0].rule, call[1]))


def test_every_endpoint_on_another_enterprises_objects(app, world):
    clients, ids = world
    office = office_binary() is not None
    failures = []
    for caller in CALLERS:
        client = clients[caller]
        for rule, method in ordered_calls(app):
            view = app.view_functions[rule.endpoint]
            outcome = expected(caller, view, rule, office)
            variants = [(values, outcome) for values in url_values(rule, ids)]
            if caller == "applicant_b" and "application_id" in rule.arguments \
                    and rule.arguments & (OBJECT_ARGS - {"application_id"}):
                # A's blocks under B's own application: not found, or (the page B sent carries no current version
                # of B's section) "changed since you opened the page"; either way nothing of A is shown or changed.
                variants += [(dict(values, application_id=ids["b_application_id"]), "refused_or_stale")
                             for values in url_values(rule, ids)]
            for values, outcome in variants:
                url = rule.build(values)[1]
                before = mutable_state(app) if method == "POST" and outcome in REFUSALS else None
                before_a = a_state(app, ids) if method == "POST" and caller in OTHERS else None
                response = client.open(url, method=method, data=post_body(rule.endpoint, values) if method == "POST"
                                       else None)
                status, body = response.status_code, response.get_data().decode("utf-8", "replace")
                where = f"{caller} {method} {url} ({rule.endpoint}) → {status}"
                if status >= 500:
                    failures.append(f"{where}: server error")
                if outcome == "login" and not (status == 302 and "/login" in response.location):
                    failures.append(f"{where}: expected the login page")
                if outcome == "forbidden" and status != 403:
                    failures.append(f"{where}: expected 403")
                if outcome == "refused" and status not in REFUSED:
                    failures.append(f"{where}: expected 403 or 404")
                if outcome == "refused_or_stale" and status not in REFUSED | {409}:
                    failures.append(f"{where}: expected 403, 404 or 409")
                if outcome == "allowed" and (status not in ALLOWED or (
                        "/login" in (response.location or "") and rule.endpoint != "auth.logout")):
                    failures.append(f"{where}: expected an answer (200/204/302/303/409)")
                shown = [m for m in A_MARKERS if m in body]
                if shown and caller != "applicant_a" and (outcome in REFUSALS or caller in OTHERS):
                    failures.append(f"{where}: shows A's data {shown}")
                if before is not None and mutable_state(app) != before:
                    failures.append(f"{where}: a refused POST changed data")
                if before_a is not None and a_state(app, ids) != before_a:
                    failures.append(f"{where}: changed A's application or account")
    assert failures == [], "\n".join(failures)


def test_a_recommender_never_sees_a_draft(app, world):
    clients, ids = world
    unit = clients["recommender"]
    assert unit.get(f"/applications/{ids['b_application_id']}").status_code == 404
    assert unit.get(f"/review/{ids['b_application_id']}").status_code == 404
    assert unit.get(f"/applications/{ids['b_application_id']}/document.docx").status_code == 404


def test_an_unknown_url_argument_fails_the_access_test_with_a_clear_message(app, world):
    from werkzeug.routing import Map, Rule
    _clients, ids = world
    rule = Rule("/probe/<int:widget_id>", endpoint="probe")
    Map([rule])
    with pytest.raises(pytest.fail.Exception, match="widget_id.*add a value"):
        url_values(rule, ids)


# ---- colleagues of enterprise A: every applicant endpoint against their rights ------------------------------------
#
# A colleague limited to section 三 (implementation, integration) and a colleague who may only view call every
# endpoint an applicant may reach, on A's objects. Where their rights do not reach (another section, the
# administrator's acts: submit, withdraw, copy from last year, the stamped scan, colleague accounts) they get 403 and
# nothing changes; everything else answers as it does for A's administrator (A's application is submitted, so
# editing endpoints within their rights answer "not editable").

ADMIN_ACTS = {"application.submit", "application.withdraw", "carry_over.copy_previous", "final.generate"}
RIGHTS = {"limited": {"implementation", "integration"}, "viewer": set()}


def section_of(endpoint: str, values: dict, ids: dict, body: dict) -> str | None:
    """The section an endpoint writes to (or opens for editing), None if it is not tied to one."""
    if endpoint in ("application.edit_section", "application.save_section", "activity.presence"):
        return values["key"]
    if endpoint.startswith("implementation."):
        return "implementation"
    if endpoint == "attachments.upload":
        return "attachments" if body.get("category") != "solution_picture" else "implementation"
    if endpoint == "attachments.delete":
        return ids["attachment_sections"][values["attachment_id"]]
    if endpoint == "comments.reply":
        return "profile"                    # the world's comment is on 企业简介
    return None


def colleague_expected(kind: str, endpoint: str, values: dict, ids: dict, body: dict) -> str:
    if endpoint in ADMIN_ACTS or endpoint.startswith("colleagues."):
        return "forbidden"
    if endpoint in ("application.start", "word_import.upload", "word_import.apply"):
        return "allowed" if RIGHTS[kind] else "forbidden"       # an import writes: not for who may only view
    section = section_of(endpoint, values, ids, body)
    if section is not None and section not in RIGHTS[kind]:
        return "forbidden"
    return "allowed"


@pytest.mark.parametrize("kind", sorted(RIGHTS))
def test_colleagues_reach_only_what_their_rights_allow(app, world, kind):
    _clients, ids = world
    with app.app_context():
        admin = db.session.execute(db.select(User).filter_by(login=ids["login"])).scalar_one()
        access = MemberAccess.SECTIONS if RIGHTS[kind] else MemberAccess.VIEW
        colleague, _password = add_colleague(admin, name="同事", mobile="13900000010", access=access,
                                             sections=sorted(RIGHTS[kind]))
        colleague.set_password(PASSWORD)
        colleague.must_change_password = False
        db.session.commit()
        colleague_login = colleague.login
    client = app.test_client()
    assert login(client, colleague_login).status_code == 302
    failures = []
    for rule, method in ordered_calls(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "public", False) or Role.APPLICANT not in view.allowed_roles \
                or rule.endpoint == "auth.logout":
            continue
        for values in url_values(rule, ids):
            body = post_body(rule.endpoint, values) if method == "POST" else None
            outcome = colleague_expected(kind, rule.endpoint, values, ids, body or {})
            if rule.arguments & OWNER_ARGS:
                outcome = "refused"                     # A's administrator's own notice
            before = mutable_state(app) if method == "POST" and outcome != "allowed" else None
            url = rule.build(values)[1]
            response = client.open(url, method=method, data=body)
            where = f"{kind} colleague {method} {url} ({rule.endpoint}) → {response.status_code}"
            if outcome == "forbidden" and response.status_code != 403:
                failures.append(f"{where}: expected 403")
            if outcome == "refused" and response.status_code not in REFUSED:
                failures.append(f"{where}: expected 403 or 404")
            if outcome == "allowed" and response.status_code not in ALLOWED:
                failures.append(f"{where}: expected an answer (200/204/302/303/409)")
            if before is not None and mutable_state(app) != before:
                failures.append(f"{where}: a refused POST changed data")
    assert failures == [], "\n".join(failures)
