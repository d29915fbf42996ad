"""Factories for tests: the realistic builders of the demo data (webapp/ops/demo_data.py), and make_application,
which brings an application to any state through the same domain functions as the users (submit, the unit's
decisions), so its history, snapshot and Word file are real."""
from webapp.applications.lifecycle import submit_application
from webapp.campaigns.lookup import current_campaign
from webapp.models import Application, ApplicationStatus as S, ApplicationType, RecommendingUnit, Role, User
from webapp.ops.demo_data import PASSWORD, make_complete_application, make_enterprise, stamp  # noqa: F401
from webapp.ops.demo_files import add_solution_picture, make_png  # noqa: F401
from webapp.review.decisions import decide
from webapp.status import apply_transition

DECISION_FOR = {S.RECOMMENDED: "recommend", S.NOT_RECOMMENDED: "reject", S.RETURNED: "return"}
# The province's steps after a recommendation, by its admin (through the state table, as the pages do).
PROVINCE_PATH = {S.FORM_PASSED: ["pass_form_check"], S.UNDER_REVIEW: ["pass_form_check", "start_review"],
                 S.PROPOSED: ["pass_form_check", "start_review", "propose"],
                 S.RECOGNISED: ["pass_form_check", "start_review", "propose", "recognise"]}
OPINION = "该企业智能制造基础扎实，示范作用明显，同意推荐。"       # the unit's 推荐意见, required with 推荐


def unit_reviewer(session, unit: RecommendingUnit) -> User:
    """The unit's recommender account (made once per unit)."""
    login = f"reviewer-{unit.prefecture_adcode}"
    user = session.query(User).filter_by(login=login).one_or_none()
    if user is None:
        user = User(login=login, role=Role.RECOMMENDER, unit=unit, display_name=f"{unit.name}审核员")
        user.set_password(PASSWORD)
        session.add(user)
        session.flush()
    return user


def province_admin(session) -> User:
    """The province's admin account of the tests' steps (made once)."""
    user = session.query(User).filter_by(login="factory-admin").one_or_none()
    if user is None:
        user = User(login="factory-admin", role=Role.ADMIN, display_name="省厅管理员")
        user.set_password(PASSWORD)
        session.add(user)
        session.flush()
    return user


def make_application(session, *, name: str = "湖南测试智能装备有限公司", county: str = "430104",
                     status: S = S.DRAFT, app_type: ApplicationType = ApplicationType.ENTERPRISE,
                     links: int = 8, write_files: bool = False, comment: str = "请补充智能制造专项审计报告。",
                     **changes) -> Application:
    """A complete application of a new enterprise in `county`, brought to `status`; flushed, not committed.

    `changes` set columns before submission (e.g. invest_3y=…), after which the 盖章版 is generated again (as the
    enterprise would: printed, stamped, scanned). A returned application carries `comment`."""
    enterprise = make_enterprise(session, name=name, county_adcode=county)
    application = make_complete_application(session, enterprise=enterprise, campaign=current_campaign(),
                                            app_type=app_type, links=links, write_files=write_files)
    for key, value in changes.items():
        setattr(application, key, value)
    if changes:
        stamp(session, application, write_files)
    if status is S.DRAFT:
        return application
    submit_application(application, enterprise.users[0])
    action = DECISION_FOR.get(S.RECOMMENDED if status in PROVINCE_PATH else status)
    if action:
        reviewer = unit_reviewer(session, application.unit)
        decide(application, action, reviewer, OPINION if action == "recommend" else
               comment if action == "return" else None)
    for step in PROVINCE_PATH.get(status, []):
        apply_transition(application, step, province_admin(session))
    assert application.status is status, f"cannot build an application in state {status}"
    session.flush()
    return application


def resubmit(session, application: Application, explanation: str = "已按推荐单位意见修改。", *,
             write_files: bool = False):
    """What the enterprise does after a return and its edits: a new 盖章版 stamped and scanned, then 提交 with
    its 修改说明."""
    stamp(session, application, write_files)
    return submit_application(application, application.enterprise.users[0], explanation=explanation)
