"""Which 环节 and 场景 of the guide a Word file names: exactly, or the nearest in the application's guide edition
with how alike they are, for the user to confirm or correct in the preview."""
from dataclasses import dataclass

from webapp.documents.word_reader.labels import fold, similarity
from webapp.models import Link, Scenario

PROPOSE = 0.5          # below this nothing is proposed: the user chooses
CONTAINED = 0.9        # "机加工车间智能在线检测" names the guide's "智能在线检测"
OWN_TITLE = "自定义场景"


@dataclass(frozen=True)
class Match:
    target: Link | Scenario | None      # None: nothing close enough (a 场景: an own scenario)
    similarity: float = 0.0             # 1.0: the guide's name exactly
    chosen: bool = False                # chosen by the user in the preview

    @property
    def exact(self) -> bool:
        return self.target is not None and (self.chosen or self.similarity >= 1.0)

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def _score(written: str, name: str) -> float:
    if fold(written) == fold(name):
        return 1.0
    if fold(name) and fold(name) in fold(written):
        return max(CONTAINED, similarity(written, name))
    return similarity(written, name)


def nearest(written: str, candidates: list, minimum: float = PROPOSE) -> Match:
    """The candidate (a Link or Scenario) whose name is most like `written`."""
    if not written or not candidates:
        return Match(None)
    scored = max(((_score(written, c.name), -index, c) for index, c in enumerate(candidates)), key=lambda t: t[:2])
    return Match(scored[2], scored[0]) if scored[0] >= minimum else Match(None, scored[0])


def match_link(name: str, links: list[Link], chosen_id: int | None = None) -> Match:
    if chosen_id is not None:
        link = next((link for link in links if link.id == chosen_id), None)
        return Match(link, 1.0 if link else 0.0, chosen=link is not None)
    return nearest(name, links)


def match_scenario(title: str, name: str, link: Link | None, used: set[int],
                   chosen: int | str | None = None) -> Match:
    """The guide scenario of a 场景 block: named by its heading, or (the blank form has none) by its 具体场景名称.
    "自定义场景", a name like none of the 环节's scenarios, or one already taken make it an own scenario (None)."""
    candidates = [s for s in (link.scenarios if link else []) if s.id not in used]
    if chosen is not None:
        scenario = next((s for s in candidates if s.id == chosen), None)
        return Match(scenario, 1.0, chosen=True)
    if fold(title) == fold(OWN_TITLE):
        return Match(None, 1.0)
    return nearest(title or name, candidates, PROPOSE if title else 0.6)
