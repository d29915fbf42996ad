"""The expert's 评分表 of one application: drafts saved section by section, submitted once, reopened by the admin.

A section is one criterion (its score or gate answer, and a comment) or the overall 专家意见. A section with a bad
value is not saved and comes back with its message and the typed text; the others are saved. The total is kept on
the card at every save: the sum of the scores, or 0 when a gate item (一票否决) is answered 否.
"""
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import (
    Assignment, AssignmentState, Criterion, CriterionScore, ReviewPlan, ScoreCard, ScoreSheet, User,
)

COMMENT_LIMIT = 500
OPINION_LIMIT = 2000
OPINION = "opinion"


class ScoringError(ValueError):
    """A refused save or submission; the message is for the expert (or the admin)."""


class IncompleteSheet(ScoringError):
    """A submission with something still to fill in; `problems` lists each."""

    def __init__(self, problems: list[str]):
        super().__init__(f"还有{len(problems)}项未完成，不能提交：" + " ".join(problems))
        self.problems = problems


def section_key(criterion: Criterion) -> str:
    return f"c{criterion.id}"


@dataclass
class Posted:
    """What the page sent for one section (raw text, as typed)."""
    value: str = ""
    comment: str = ""


@dataclass
class SaveResult:
    saved: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, Posted] = field(default_factory=dict)


def parse_score(criterion: Criterion, raw: str) -> Decimal | None:
    """The score typed for a criterion (None when empty); ScoringError with a clear message when out of range."""
    text = unicodedata.normalize("NFKC", raw or "").strip().replace("，", ".").replace("。", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ScoringError(f"“{criterion.name}”的评分应为数字（0–{_num(criterion.max_score)}分）。") from None
    if not value.is_finite() or value < 0 or value > criterion.max_score:
        raise ScoringError(f"“{criterion.name}”的评分须在0–{_num(criterion.max_score)}分之间，"
                           f"您填写的是{text}。") from None
    if value != value.quantize(Decimal("0.1")):
        raise ScoringError(f"“{criterion.name}”的评分最多保留一位小数。")
    return value.quantize(Decimal("0.1"))


def parse_gate(criterion: Criterion, raw: str) -> bool | None:
    if raw in ("", None):
        return None
    if raw not in ("yes", "no"):
        raise ScoringError(f"请对“{criterion.name}”选择“是”或“否”。")
    return raw == "yes"


def _num(value) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def check_can_score(assignment: Assignment, user: User) -> None:
    if assignment.expert.user_id != user.id:
        raise ScoringError("这不是分配给您的评审任务。")
    if assignment.state is not AssignmentState.ACTIVE:
        raise ScoringError(f"该评审任务状态为“{assignment.state.label}”，不能评分。")
    if assignment.opened_at is None:
        raise ScoringError("请先确认与该企业无利益冲突，再开始评分。")
    if assignment.card is not None and assignment.card.submitted_at is not None:
        raise ScoringError("评分表已提交，不能再修改。如需修改，请联系省工信厅退回。")


def _card(assignment: Assignment) -> ScoreCard:
    if assignment.card is None:
        assignment.card = ScoreCard(updated_at=utcnow())
        db.session.flush()
    return assignment.card


def save_sections(assignment: Assignment, sheet: ScoreSheet, user: User, posted: dict[str, Posted]) -> SaveResult:
    """Save every posted section that is valid; the caller commits."""
    check_can_score(assignment, user)
    result = SaveResult()
    card = _card(assignment)
    for criterion in sheet.criteria:
        key = section_key(criterion)
        if key in posted:
            _save_criterion(card, criterion, posted[key], result, key)
    if OPINION in posted:
        text = posted[OPINION].comment.strip()
        if len(text) > OPINION_LIMIT:
            result.errors[OPINION] = f"专家意见不超过{OPINION_LIMIT}字（当前{len(text)}字）。"
            result.typed[OPINION] = posted[OPINION]
        else:
            card.opinion = text or None
            result.saved.append(OPINION)
    recompute(card, sheet)
    card.updated_at = utcnow()
    return result


def _save_criterion(card: ScoreCard, criterion: Criterion, typed: Posted, result: SaveResult, key: str) -> None:
    comment = typed.comment.strip()
    try:
        if len(comment) > COMMENT_LIMIT:
            raise ScoringError(f"“{criterion.name}”的评语不超过{COMMENT_LIMIT}字（当前{len(comment)}字）。")
        answer = parse_gate(criterion, typed.value) if criterion.is_gate else parse_score(criterion, typed.value)
    except ScoringError as exc:
        result.errors[key], result.typed[key] = str(exc), typed
        return
    row = card.score_for(criterion.id)
    if row is None:
        row = CriterionScore(criterion_id=criterion.id)
        card.scores.append(row)
    if criterion.is_gate:
        row.gate_passed, row.value = answer, None
    else:
        row.value, row.gate_passed = answer, None
    row.comment = comment or None
    result.saved.append(key)


def recompute(card: ScoreCard, sheet: ScoreSheet) -> None:
    gates = [card.score_for(c.id) for c in sheet.gates]
    card.vetoed = any(row is not None and row.gate_passed is False for row in gates)
    scores = [card.score_for(c.id) for c in sheet.scored]
    card.total = Decimal(0) if card.vetoed else sum((row.value for row in scores if row and row.value is not None),
                                                    Decimal(0))


def missing_for_submission(card: ScoreCard | None, sheet: ScoreSheet, plan: ReviewPlan) -> list[str]:
    """Everything still to fill in before the sheet can be submitted, as messages."""
    problems = []
    for criterion in sheet.criteria:
        row = card.score_for(criterion.id) if card else None
        if criterion.is_gate and (row is None or row.gate_passed is None):
            problems.append(f"请对一票否决项“{criterion.name}”选择“是”或“否”。")
        elif not criterion.is_gate and (row is None or row.value is None):
            problems.append(f"请为“{criterion.name}”评分。")
        needs_comment = (plan.comments_required and not criterion.is_gate) or (row and row.gate_passed is False)
        if needs_comment and not (row and row.comment):
            why = "（一票否决须说明理由）" if criterion.is_gate else ""
            problems.append(f"请填写“{criterion.name}”的评语{why}。")
    if not (card and card.opinion):
        problems.append("请填写专家意见。")
    return problems


def submit_card(assignment: Assignment, sheet: ScoreSheet, plan: ReviewPlan, user: User) -> ScoreCard:
    check_can_score(assignment, user)
    problems = missing_for_submission(assignment.card, sheet, plan)
    if problems:
        raise IncompleteSheet(problems)
    card = assignment.card
    recompute(card, sheet)
    card.submitted_at = card.updated_at = utcnow()
    audit.record("score.submit", obj=card, actor=user,
                 detail={"application_id": assignment.application_id, "total": card.total, "vetoed": card.vetoed})
    return card


def reopen_card(card: ScoreCard, admin: User, reason: str) -> None:
    """The admin sends a submitted sheet back to its expert, with a reason."""
    if card.submitted_at is None:
        raise ScoringError("该评分表尚未提交，无需退回。")
    if not (reason or "").strip():
        raise ScoringError("退回评分表时必须说明理由。")
    audit.record("score.reopen", obj=card, actor=admin,
                 detail={"application_id": card.assignment.application_id, "expert_id": card.assignment.expert_id,
                         "submitted_at": card.submitted_at, "total": card.total, "reason": reason.strip()})
    card.submitted_at = None
    card.reopened_at, card.reopen_reason = utcnow(), reason.strip()[:500]
