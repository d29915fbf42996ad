"""The balance view at decision time: for one type, how the list spreads over the 市州 and the industry 大类 against
the ranking (every ranked application, those inside the planned line, those proposed now), and the applications just
below the line."""
from dataclasses import dataclass, field

from webapp.models import ApplicationStatus as S
from webapp.publicity.proposal import Row

BELOW_LINE = 5          # how many applications just below the line are shown
# On the list: proposed, and after the 认定 recognised (or since revoked): the view reads the same afterwards.
LISTED = (S.PROPOSED, S.RECOGNISED, S.REVOKED)


@dataclass
class Count:
    label: str
    ranked: int = 0
    in_line: int = 0
    proposed: int = 0
    incubated: int = 0


@dataclass
class Balance:
    by_prefecture: list[Count] = field(default_factory=list)
    by_industry: list[Count] = field(default_factory=list)
    below_line: list[Row] = field(default_factory=list)
    proposed: int = 0
    planned: int | None = None

    @property
    def over_plan(self) -> bool:
        return self.planned is not None and self.proposed > self.planned


def _tally(rows: list[Row], key) -> list[Count]:
    counts: dict[str, Count] = {}
    for row in rows:
        label = key(row) or "（未填写）"
        count = counts.setdefault(label, Count(label))
        count.ranked += 1
        count.in_line += row.in_line
        count.proposed += row.status in LISTED
        count.incubated += row.status is S.INCUBATION
    return sorted(counts.values(), key=lambda c: (-c.proposed, -c.in_line, -c.ranked, c.label))


def balance(rows: list[Row], planned: int | None) -> Balance:
    below = [r for r in rows if planned is not None and r.result.rank is not None and r.result.rank > planned]
    return Balance(
        by_prefecture=_tally(rows, lambda r: r.result.prefecture),
        by_industry=_tally(rows, lambda r: f"{r.result.industry_code} {r.result.industry}"
                           if r.result.industry_code else ""),
        below_line=below[:BELOW_LINE], proposed=sum(r.status in LISTED for r in rows), planned=planned)
