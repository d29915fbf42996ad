"""Every transition of both state tables (applications, units' reports) against every state and every role: allowed
exactly where the table says, refused with a Chinese message everywhere else, recorded when applied."""
import pytest

from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus as S, AuditRecord, Certificate, Objection, ObjectionState, Publicity,
    PublicityEntry, RecheckRequest, RecheckStatus as C,
    RecommendingUnit, ReportStatus as R, Role, StatusChange, UnitReport, User,
)
from webapp.core.timeutil import local_today
from webapp.campaigns.lookup import current_campaign
from webapp.status import (
    EDITABLE, OBJECTION_TRANSITIONS, RECHECK_TRANSITIONS, REPORT_TRANSITIONS, TRANSITIONS, TransitionError,
    apply_objection_transition, apply_recheck_transition, apply_report_transition, apply_transition,
    check_recheck_transition, check_report_transition, check_transition, is_editable,
)

from tests.factories import make_application, unit_reviewer

REPORT_CASES = [(action, state, role) for action in REPORT_TRANSITIONS for state in R for role in Role]


def actor(role: Role, unit: RecommendingUnit, enterprise=None) -> User:
    """A user of `role`: the enterprise's own account, the unit's reviewer, or a staff account."""
    if role is Role.APPLICANT:
        return enterprise.users[0]
    if role is Role.RECOMMENDER:
        return unit_reviewer(db.session, unit)
    user = User(login=f"actor-{role.value}", role=role, display_name=role.label)
    user.set_password("Passw0rd!x-actor")
    db.session.add(user)
    db.session.flush()
    return user


def acting(role: Role, application: Application) -> User:
    return actor(role, application.unit, application.enterprise)


@pytest.fixture
def application(app):
    with app.app_context():
        yield make_application(db.session)


def check_case(application: Application, action: str, state: S, user: User) -> str | None:
    """Apply `action` by `user` from `state`; None when the outcome is what the table says, else what went wrong."""
    transition = TRANSITIONS[action]
    allowed = state in transition.sources and user.role is transition.role
    application.status = state
    db.session.flush()
    if not allowed:
        try:
            apply_transition(application, action, user, "意见")
        except TransitionError as refused:
            if not refused.args[0].endswith("。"):
                return f"message {refused.args[0]!r}"
            return None if application.status is state else "state changed although refused"
        return "allowed, but the table refuses it"
    db.session.commit()             # audit records are written (and chained) by the commit of their change
    before = db.session.query(AuditRecord).count()
    change = apply_transition(application, action, user, "意见")
    db.session.commit()
    if application.status is not transition.target:
        return f"ended in {application.status}"
    if (change.from_status, change.to_status, change.action) != (state, transition.target, action):
        return f"recorded {change.from_status} → {change.to_status} ({change.action})"
    if db.session.get(StatusChange, change.id) is None or db.session.query(AuditRecord).count() != before + 1:
        return "not recorded in the history and the audit trail"
    return None


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_application_transition(app, application, action):
    """The action from every state by every role (one application for all the cases of an action: the table has
    over a thousand of them)."""
    users = {role: acting(role, application) for role in Role}
    failures = [f"{action} from {state.value} by {role.value}: {problem}"
                for state in S for role in Role
                if (problem := check_case(application, action, state, users[role])) is not None]
    assert failures == []


@pytest.mark.parametrize("action", [a for a, t in TRANSITIONS.items() if t.comment_required])
def test_a_required_comment_is_required(app, application, action):
    transition = TRANSITIONS[action]
    application.status = transition.sources[0]
    with pytest.raises(TransitionError, match="必须填写意见"):
        check_transition(application, action, acting(transition.role, application), "  ")


def test_unknown_action_is_refused(app, application):
    with pytest.raises(TransitionError, match="未知的操作"):
        check_transition(application, "publish", acting(Role.ADMIN, application))


def test_only_draft_and_returned_are_editable(app, application):
    assert EDITABLE == {S.DRAFT, S.RETURNED}
    for state in S:
        application.status = state
        assert is_editable(application) is (state in EDITABLE)


@pytest.fixture
def report(app):
    with app.app_context():
        unit = db.session.execute(db.select(RecommendingUnit).filter_by(prefecture_adcode="430100")).scalar_one()
        report = UnitReport(campaign=current_campaign(), unit=unit)
        db.session.add(report)
        db.session.flush()
        yield report


@pytest.mark.parametrize(("action", "state", "role"), REPORT_CASES,
                         ids=[f"{a}-{s.value}-{r.value}" for a, s, r in REPORT_CASES])
def test_report_transition(app, report, action, state, role):
    transition = REPORT_TRANSITIONS[action]
    allowed = state in transition.sources and role is transition.role
    report.status = state
    db.session.flush()
    user = actor(role, report.unit, make_application(db.session).enterprise if role is Role.APPLICANT else None)
    if not allowed:
        with pytest.raises(TransitionError):
            apply_report_transition(report, action, user, "请补充推荐理由。")
        assert report.status is state
        return
    apply_report_transition(report, action, user, "请补充推荐理由。")
    assert report.status is transition.target
    assert report.is_reported is (transition.target is R.REPORTED)
    if transition.target is R.REPORTED:
        assert report.reported_by_id == user.id and report.reported_at is not None
    else:
        assert report.reported_at is None and report.return_comment == "请补充推荐理由。"
    db.session.commit()             # audit records are written (and chained) by the commit of their change
    record = db.session.execute(db.select(AuditRecord).order_by(AuditRecord.id.desc())).scalars().first()
    assert record.action == f"report.{action}"


def test_returning_a_report_needs_a_comment(app, report):
    report.status = R.REPORTED
    with pytest.raises(TransitionError, match="必须填写意见"):
        check_report_transition(report, "return", actor(Role.ADMIN, report.unit), "")


def test_status_is_only_assigned_in_the_state_module():
    """Views and domain code never assign `.status` themselves (ARCHITECTURE.md): one place changes states."""
    import ast
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "webapp"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "status.py" or "ops" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            offenders += [f"{path.relative_to(root)}:{node.lineno}" for target in targets
                          if isinstance(target, ast.Attribute) and target.attr == "status"]
    assert offenders == []


# ---- the province's selection, as the state table lays it out -----------------------------------------------------

SELECTION = [
    ("submit", S.SUBMITTED), ("recommend", S.RECOMMENDED), ("request_correction", S.CORRECTION),
    ("submit_correction", S.CORRECTED), ("request_correction", S.CORRECTION), ("submit_correction", S.CORRECTED),
    ("pass_form_check", S.FORM_PASSED), ("reopen_form_check", S.RECOMMENDED), ("pass_form_check", S.FORM_PASSED),
    ("start_review", S.UNDER_REVIEW),
]


def walk(application: Application, actions: list[str]) -> list[StatusChange]:
    """Apply the actions in turn, each by a user of its role (one per role), as separate requests would."""
    users: dict[Role, User] = {}
    changes = []
    for action in actions:
        role = TRANSITIONS[action].role
        if role not in users:
            users[role] = acting(role, application)
        changes.append(apply_transition(application, action, users[role], "意见"))
        db.session.commit()         # audit records are written (and chained) by the commit of their change
    return changes


def test_the_selection_sequence_goes_through_the_table_and_the_audit_trail(app, application):
    changes = walk(application, [action for action, _ in SELECTION])
    assert [change.to_status for change in changes] == [target for _, target in SELECTION]
    assert application.status is S.UNDER_REVIEW
    history = db.session.execute(db.select(StatusChange.action).filter_by(application_id=application.id)
                                 .order_by(StatusChange.id)).scalars().all()
    assert history == [action for action, _ in SELECTION]
    audited = db.session.execute(db.select(AuditRecord.action).where(AuditRecord.action.like("application.%"))
                                 .order_by(AuditRecord.id)).scalars().all()
    made = ("application.start", "application.finalize")       # by the factory, before the sequence
    assert [a for a in audited if a not in made] == [f"application.{a}" for a, _ in SELECTION]


@pytest.mark.parametrize("path, end", [
    (["fail_form_check"], S.FORM_FAILED),
    (["request_correction", "fail_form_check"], S.FORM_FAILED),                  # 补正 not answered in time
    (["fail_form_check", "reopen_form_check", "pass_form_check"], S.FORM_PASSED),
])
def test_other_ways_through_form_check(app, application, path, end):
    walk(application, ["submit", "recommend", *path])
    assert application.status is end


def test_an_enterprise_cannot_answer_a_correction_twice_nor_the_unit_decide_during_it(app, application):
    application.status = S.CORRECTED
    db.session.flush()
    with pytest.raises(TransitionError, match="补正已提交"):
        apply_transition(application, "submit_correction", acting(Role.APPLICANT, application))
    application.status = S.CORRECTION
    db.session.flush()
    reviewer = acting(Role.RECOMMENDER, application)
    for action in ("recommend", "reject", "return"):
        with pytest.raises(TransitionError):
            apply_transition(application, action, reviewer, "x")
    assert application.status is S.CORRECTION


def test_a_resubmission_after_a_return_needs_its_explanation(app):
    """submit from 退回修改 requires the 修改说明; from 草稿 it does not."""
    transition = TRANSITIONS["submit"]
    assert transition.comment_required_from == (S.RETURNED,)
    with app.app_context():
        returned = make_application(db.session, name="湖南退回再提交有限公司", status=S.RETURNED)
        with pytest.raises(TransitionError, match="从“退回修改”提交时必须填写修改说明"):
            check_transition(returned, "submit", returned.enterprise.users[0], "  ")
        assert check_transition(returned, "submit", returned.enterprise.users[0], "已补充。") is transition
        draft = make_application(db.session, name="湖南草稿提交有限公司")
        assert check_transition(draft, "submit", draft.enterprise.users[0]) is transition


# ---- 实名异议 (webapp/publicity/objections.py): concluded once, by the province, with a reply ------------------------

OBJECTION_CASES = [(action, state, role) for action in OBJECTION_TRANSITIONS for state in ObjectionState
                   for role in Role]


@pytest.fixture
def objection(app):
    """A pending objection against a line of a 公示 (rows made directly: the state table is what is tested)."""
    with app.app_context():
        application = make_application(db.session)
        publicity = Publicity(campaign_id=application.campaign_id, token="t" * 32, starts_on=local_today(),
                              ends_on=local_today(), contact_name="王", contact_phone="0731-1", notice_text="公示")
        entry = PublicityEntry(publicity=publicity, application_id=application.id, position=1, company_name="甲",
                               app_type=application.app_type, prefecture="长沙市")
        item = Objection(publicity=publicity, entry=entry, reference="YY-TEST", name="李明", employer="某单位",
                         phone="13912345678", grounds="理由")
        db.session.add_all([publicity, entry, item])
        db.session.flush()
        yield item


@pytest.mark.parametrize(("action", "state", "role"), OBJECTION_CASES,
                         ids=[f"{a}-{s.value}-{r.value}" for a, s, r in OBJECTION_CASES])
def test_objection_transition(app, objection, action, state, role):
    transition = OBJECTION_TRANSITIONS[action]
    allowed = state in transition.sources and role is transition.role
    objection.state = state
    db.session.flush()
    application = objection.entry.application
    user = actor(role, application.unit, application.enterprise)
    if not allowed:
        with pytest.raises(TransitionError) as refused:
            apply_objection_transition(objection, action, user, "经核实。")
        assert refused.value.args[0].endswith("。") and objection.state is state
        return
    with pytest.raises(TransitionError, match="必须填写答复"):
        apply_objection_transition(objection, action, user, " ")
    apply_objection_transition(objection, action, user, "经核实。")
    assert (objection.state, objection.reply, objection.concluded_by_id) == (transition.target, "经核实。", user.id)
    db.session.commit()
    record = db.session.execute(db.select(AuditRecord).order_by(AuditRecord.id.desc())).scalars().first()
    assert record.action == f"objection.{action}" and "李明" not in (record.detail or "")


# ---- 复核 of a recognition (RECHECK_TRANSITIONS) -----------------------------------------------------------------

RECHECK_CASES = [(action, state, role) for action in RECHECK_TRANSITIONS for state in C for role in Role]


@pytest.fixture
def recheck(app):
    with app.app_context():
        application = make_application(db.session, name="湖南复核状态有限公司", status=S.RECOGNISED)
        certificate = Certificate(campaign_id=application.campaign_id, application=application, year=2000,
                                  number="湘智标〔2000〕企-001", code="ABCDEFGHJK", company_name="x",
                                  app_type=application.app_type, credit_code=application.enterprise.credit_code,
                                  document_no="湘工信〔2000〕1号", document_date=application.created_at.date())
        request = RecheckRequest(campaign_id=application.campaign_id, certificate=certificate,
                                 enterprise_id=application.enterprise_id, unit_id=application.unit_id)
        db.session.add_all([certificate, request])
        db.session.flush()
        yield request


@pytest.mark.parametrize("action", list(RECHECK_TRANSITIONS))
def test_recheck_transition(app, recheck, action):
    """Every 复核 action from every state by every role: allowed exactly where the table says, audited."""
    transition = RECHECK_TRANSITIONS[action]
    application = recheck.certificate.application
    users = {role: acting(role, application) for role in Role}
    failures = []
    for state in C:
        for role in Role:
            recheck.status = state
            db.session.commit()
            before = db.session.query(AuditRecord).count()
            allowed = state in transition.sources and role is transition.role
            try:
                apply_recheck_transition(recheck, action, users[role], "意见")
                db.session.commit()
            except TransitionError as refused:
                db.session.rollback()
                if allowed or recheck.status is not state or not refused.args[0].endswith("。"):
                    failures.append(f"{action} from {state.value} by {role.value}: refused ({refused})")
                continue
            if not allowed:
                failures.append(f"{action} from {state.value} by {role.value}: allowed, but the table refuses it")
            elif recheck.status is not transition.target or db.session.query(AuditRecord).count() != before + 1:
                failures.append(f"{action} from {state.value} by {role.value}: not moved or not audited")
    assert failures == []


@pytest.mark.parametrize("action", [a for a, t in RECHECK_TRANSITIONS.items() if t.comment_required])
def test_a_recheck_comment_is_required(app, recheck, action):
    transition = RECHECK_TRANSITIONS[action]
    recheck.status = transition.sources[0]
    with pytest.raises(TransitionError, match="必须填写意见"):
        check_recheck_transition(recheck, action, acting(transition.role, recheck.certificate.application), " ")


def test_recognise_and_revoke_through_the_table(app, application):
    """认定 and 撤销认定 (webapp/recognition): from 拟认定 only, and 撤销 with its reason."""
    changes = walk(application, [action for action, _ in SELECTION] + ["propose", "recognise", "revoke"])
    assert [c.to_status for c in changes[-3:]] == [S.PROPOSED, S.RECOGNISED, S.REVOKED]
    assert application.status is S.REVOKED
