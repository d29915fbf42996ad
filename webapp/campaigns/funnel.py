"""The funnel of a campaign: how many applications reached each step (申报 → 推荐 → 形式审查通过 → 评审 → 拟认定 →
认定), in total, by 市州 and by 申报类型. One GROUP BY query (prefecture, type, state); an application counts at every
step it has passed, judged by its state now (a revoked recognition was recognised; 入库培育 and 未入选 passed the review
but not the list)."""
from dataclasses import dataclass, field

from sqlalchemy import func

from webapp.core.extensions import db
from webapp.models import (
    RECOMMENDED_STATES, Application, ApplicationStatus as S, ApplicationType, Campaign, Prefecture, RecommendingUnit,
)

REVIEWED = (S.UNDER_REVIEW, S.PROPOSED, S.INCUBATION, S.NOT_SELECTED, S.RECOGNISED, S.REVOKED)
STAGES: list[tuple[str, frozenset]] = [
    ("申报", frozenset(s for s in S if s is not S.DRAFT)),
    ("推荐", frozenset(RECOMMENDED_STATES)),
    ("形式审查通过", frozenset((S.FORM_PASSED, *REVIEWED))),
    ("评审", frozenset(REVIEWED)),
    ("拟认定", frozenset((S.PROPOSED, S.RECOGNISED, S.REVOKED))),
    ("认定", frozenset((S.RECOGNISED, S.REVOKED))),
]
LABELS = [label for label, _ in STAGES]


@dataclass
class FunnelRow:
    label: str
    counts: list[int] = field(default_factory=lambda: [0] * len(STAGES))

    def add(self, status: S, number: int) -> None:
        for index, (_label, states) in enumerate(STAGES):
            if status in states:
                self.counts[index] += number


@dataclass
class Funnel:
    total: FunnelRow
    by_type: list[FunnelRow]
    by_prefecture: list[FunnelRow]

    @property
    def labels(self) -> list[str]:
        return LABELS


def build_funnel(campaign: Campaign, unit_id: int | None = None) -> Funnel:
    query = (db.select(Prefecture.name, Prefecture.adcode, Application.app_type, Application.status,
                       func.count(Application.id))
             .join(RecommendingUnit, Application.unit_id == RecommendingUnit.id)
             .join(Prefecture, RecommendingUnit.prefecture_adcode == Prefecture.adcode)
             .where(Application.campaign_id == campaign.id)
             .group_by(Prefecture.name, Prefecture.adcode, Application.app_type, Application.status)
             .order_by(Prefecture.adcode))
    if unit_id is not None:
        query = query.where(Application.unit_id == unit_id)
    total = FunnelRow("合计")
    types = {t: FunnelRow(t.label) for t in ApplicationType}
    prefectures: dict[str, FunnelRow] = {}
    for name, _adcode, app_type, status, number in db.session.execute(query):
        total.add(status, number)
        if app_type is not None:
            types[app_type].add(status, number)
        prefectures.setdefault(name, FunnelRow(name)).add(status, number)
    return Funnel(total, list(types.values()), list(prefectures.values()))
