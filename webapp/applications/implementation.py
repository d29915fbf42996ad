"""三、智能制造实施内容: 环节 blocks holding 场景 blocks. Domain rules and operations, no request objects.

Every operation keeps positions dense (1..n in display order) and raises ImplementationError with a Chinese message,
before changing anything, when the request breaks a rule. The caller checks the section version and commits.
"""
from dataclasses import dataclass

from webapp.core.extensions import db
from webapp.core.text_limits import over_limit_message
from webapp.models import (
    Application, ApplicationLink, ApplicationScenario, ApplicationType, Campaign, Link, RuleKey, RuleMode, Scenario,
)
from webapp.applications.uploads import delete_attachment

SECTION_KEY = "implementation"

# The seven items of a 场景 block (附件2): column, label, character limit, required.
SCENARIO_FIELDS = [
    ("name", "具体场景名称", 100, True),
    ("description", "具体场景描述", 150, True),
    ("pain_points", "解决的痛点问题", 150, True),
    ("solution", "采用的技术方案", 300, True),
    ("safeguards", "保障要素", 150, True),
    ("results", "实施成果", 200, True),
    ("other", "其他", 150, False),
]
SCENARIO_COLUMNS = [column for column, _label, _limit, _required in SCENARIO_FIELDS]


class ImplementationError(ValueError):
    """A refused change; the message is for the user. `field` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---- lookups ----------------------------------------------------------------------------------------------------

def available_links(application: Application) -> list[Link]:
    """The 环节 of the application's edition not yet added, in the guide's order."""
    used = {app_link.link_id for app_link in application.links}
    return [link for link in application.edition.links if link.id not in used]


def available_scenarios(application: Application, app_link: ApplicationLink) -> list[Scenario]:
    """The guide's scenarios of this 环节 not yet chosen anywhere in the application."""
    used = used_scenario_ids(application)
    return [s for s in app_link.link.scenarios if s.id not in used]


def used_scenario_ids(application: Application) -> set[int]:
    return {s.scenario_id for app_link in application.links for s in app_link.scenarios if s.scenario_id is not None}


def filled_count(app_scenario: ApplicationScenario) -> tuple[int, int]:
    """(filled, required) of the required items of one 场景 block."""
    required = [column for column, _label, _limit, needed in SCENARIO_FIELDS if needed]
    return sum(1 for c in required if (getattr(app_scenario, c) or "").strip()), len(required)


@dataclass(frozen=True)
class Minimum:
    app_type: ApplicationType
    links: int | None
    scenarios: int | None

    @property
    def text(self) -> str:
        parts = []
        if self.links is not None:
            parts.append(f"{self.links} 个环节")
        if self.scenarios is not None:
            parts.append(f"{self.scenarios} 个场景")
        return "、".join(parts)


@dataclass(frozen=True)
class Summary:
    """How many 环节 and 场景 there are, against the campaign's minimum for the chosen 申报类型."""

    links: int
    scenarios: int
    app_type: ApplicationType | None
    minimums: tuple[Minimum, ...]       # the chosen type's, or every type's while none is chosen

    @property
    def minimum(self) -> Minimum | None:
        if self.app_type is None:
            return None
        return next((m for m in self.minimums if m.app_type is self.app_type), None)

    @property
    def links_met(self) -> bool:
        m = self.minimum
        return m is not None and (m.links is None or self.links >= m.links)

    @property
    def scenarios_met(self) -> bool:
        m = self.minimum
        return m is not None and (m.scenarios is None or self.scenarios >= m.scenarios)

    @property
    def met(self) -> bool:
        return self.links_met and self.scenarios_met

    @property
    def shortfall(self) -> str:
        """What is still missing against the minimum, e.g. "3 个环节、1 个场景"."""
        m = self.minimum
        if m is None:
            return ""
        parts = []
        if m.links is not None and self.links < m.links:
            parts.append(f"{m.links - self.links} 个环节")
        if m.scenarios is not None and self.scenarios < m.scenarios:
            parts.append(f"{m.scenarios - self.scenarios} 个场景")
        return "、".join(parts)


def _threshold(campaign: Campaign, key: RuleKey, app_type: ApplicationType) -> int | None:
    rule = campaign.rule(key, app_type)
    if rule is None or rule.mode is RuleMode.OFF or rule.threshold is None:
        return None
    return int(rule.threshold)


def summary(application: Application, campaign: Campaign) -> Summary:
    types = [application.app_type] if application.app_type else list(ApplicationType)
    minimums = tuple(Minimum(t, _threshold(campaign, RuleKey.MIN_LINKS, t), _threshold(campaign, RuleKey.MIN_SCENARIOS, t))
                     for t in types)
    minimums = tuple(m for m in minimums if m.links is not None or m.scenarios is not None)
    return Summary(len(application.links), application.scenario_count, application.app_type, minimums)


# ---- operations -------------------------------------------------------------------------------------------------

def _renumber(items) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


def add_link(application: Application, link_id: int | None) -> ApplicationLink:
    """Append a 环节 block for a 环节 of the application's edition that is not there yet."""
    link = db.session.get(Link, link_id) if link_id else None
    if link is None or link.edition_id != application.edition_id:
        raise ImplementationError("请从列表中选择一个环节。", "link")
    if any(app_link.link_id == link.id for app_link in application.links):
        raise ImplementationError(f"环节“{link.name}”已经添加过，每个环节只能添加一次。", "link")
    app_link = ApplicationLink(link=link, position=len(application.links) + 1)
    application.links.append(app_link)
    db.session.flush()
    return app_link


def remove_link(application: Application, app_link: ApplicationLink) -> None:
    """Delete a 环节 block with its 场景 blocks and their pictures; the rest close up."""
    for app_scenario in list(app_link.scenarios):
        _delete_pictures(app_scenario)
    application.links.remove(app_link)
    _renumber(application.links)
    db.session.flush()


def move_link(application: Application, app_link: ApplicationLink, offset: int) -> None:
    """Move a 环节 block up (-1) or down (+1); at either end nothing changes."""
    ordered = list(application.links)
    _move(ordered, app_link, offset)
    db.session.flush()
    db.session.expire(application, ["links"])


def add_scenario(application: Application, app_link: ApplicationLink, scenario_id: int | None = None,
                 own_name: str | None = None) -> ApplicationScenario:
    """Append a 场景 block: a guide scenario of this 环节 (its name prefills 具体场景名称), or an own one by name."""
    own_name = (own_name or "").strip()
    if scenario_id:
        scenario = db.session.get(Scenario, scenario_id)
        if scenario is None or scenario.edition_id != application.edition_id:
            raise ImplementationError("请从列表中选择一个典型场景。", "scenario")
        if scenario.link_id != app_link.link_id:
            raise ImplementationError(f"典型场景“{scenario.name}”不属于环节“{app_link.link.name}”，"
                                      f"请在“{scenario.link.name}”环节下添加。", "scenario")
        if scenario.id in used_scenario_ids(application):
            raise ImplementationError(f"典型场景“{scenario.name}”已经添加过，每个典型场景只能选择一次。", "scenario")
        app_scenario = ApplicationScenario(scenario=scenario, name=scenario.name)
    else:
        if not own_name:
            raise ImplementationError("请选择一个典型场景，或填写自定义场景的名称。", "own_name")
        if len(own_name) > 100:
            raise ImplementationError(f"场景名称{over_limit_message(100, len(own_name))}", "own_name")
        app_scenario = ApplicationScenario(scenario_id=None, name=own_name)
    app_scenario.position = len(app_link.scenarios) + 1
    app_link.scenarios.append(app_scenario)
    db.session.flush()
    return app_scenario


def remove_scenario(app_scenario: ApplicationScenario) -> None:
    """Delete a 场景 block and its pictures; the others of its 环节 close up."""
    app_link = app_scenario.app_link
    _delete_pictures(app_scenario)
    app_link.scenarios.remove(app_scenario)
    _renumber(app_link.scenarios)
    db.session.flush()


def move_scenario(app_scenario: ApplicationScenario, offset: int) -> None:
    """Move a 场景 block up (-1) or down (+1) within its 环节; at either end nothing changes."""
    app_link = app_scenario.app_link
    _move(list(app_link.scenarios), app_scenario, offset)
    db.session.flush()
    db.session.expire(app_link, ["scenarios"])


def save_scenario(app_scenario: ApplicationScenario, values: dict) -> None:
    """Store the seven items (trimmed; empty is stored as NULL). Limits are checked by the form and again here."""
    for column, label, limit, _required in SCENARIO_FIELDS:
        if column not in values:
            continue
        text = (values[column] or "").strip()
        if len(text) > limit:
            raise ImplementationError(f"“{label}”{over_limit_message(limit, len(text))}", column)
        setattr(app_scenario, column, text or None)
    db.session.flush()


def _move(ordered: list, item, offset: int) -> None:
    index = ordered.index(item)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(ordered):
        _renumber(ordered)
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(ordered)


def _delete_pictures(app_scenario: ApplicationScenario) -> None:
    """Pictures of a removed 场景 go with it (their files once the deletion is committed)."""
    for picture in list(app_scenario.pictures):
        delete_attachment(picture)
    db.session.expire(app_scenario, ["pictures"])


# ---- completeness -----------------------------------------------------------------------------------------------

