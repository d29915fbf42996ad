"""The state of the 三、智能制造实施内容 editor: the forms of each 环节/场景 block (fresh from the database, or the
posted ones with their errors), notices per block, the version each form carries and where to put focus."""
from dataclasses import dataclass, field

from webapp.applications.contents import load_contents
from webapp.applications.implementation import (
    SECTION_KEY, available_links, available_scenarios, filled_count, summary,
)
from webapp.applications.versions import section_version
from webapp.core.numbers import chinese_number
from webapp.forms.applications.implementation import OWN, AddLinkForm, AddScenarioForm, ScenarioForm
from webapp.models import Application, ApplicationLink, ApplicationScenario


@dataclass
class Notice:
    kind: str            # saved | conflict | error
    text: str
    reload: bool = False  # offer "载入最新内容"


@dataclass
class Editor:
    """What the section's templates need beyond the application: the forms of each block (fresh from the database,
    or the posted ones with their errors), notices per block, the version each form carries, where to put focus."""

    application: Application
    version: int = field(init=False)                         # the section's version in the database
    scenario_forms: dict = field(default_factory=dict)       # ApplicationScenario.id → posted ScenarioForm
    add_scenario_forms: dict = field(default_factory=dict)   # ApplicationLink.id → posted AddScenarioForm
    posted_add_link: AddLinkForm | None = None
    notices: dict = field(default_factory=dict)              # DOM id of a block or form → Notice
    versions: dict = field(default_factory=dict)             # DOM id → the (posted) version that form keeps
    alert: Notice | None = None                              # for the whole section
    lost_values: dict | None = None                          # posted values of a block that no longer exists
    focus: str = ""                                          # id of the element to focus after a swap
    open_block: str = ""                                     # DOM id of a 场景 block to show open (after a save)

    def __post_init__(self):
        load_contents(self.application, guide=True)      # the blocks and the guide's choices, in a few queries
        self.version = section_version(self.application, SECTION_KEY).version

    @property
    def summary(self):
        return summary(self.application, self.application.campaign)

    def version_for(self, dom_id: str) -> int:
        return self.versions.get(dom_id, self.version)

    def scenario_form(self, app_scenario: ApplicationScenario) -> ScenarioForm:
        form = self.scenario_forms.get(app_scenario.id)
        return form or ScenarioForm(formdata=None, obj=app_scenario, prefix=f"scenario-{app_scenario.id}")

    def add_scenario_form(self, app_link: ApplicationLink) -> AddScenarioForm:
        form = self.add_scenario_forms.get(app_link.id)
        return form or AddScenarioForm(formdata=None, prefix=f"add-scenario-{app_link.id}")

    def add_link_form(self) -> AddLinkForm:
        return self.posted_add_link or AddLinkForm(formdata=None, prefix="add-link")

    def link_groups(self) -> list[tuple[str, list]]:
        """The 环节 still available, grouped by 方面, for the add-link select."""
        groups: dict[str, list] = {}
        for link in available_links(self.application):
            groups.setdefault(link.area.name, []).append(link)
        return list(groups.items())

    def scenario_options(self, app_link: ApplicationLink) -> list:
        return available_scenarios(self.application, app_link)

    def link_number(self, app_link: ApplicationLink) -> int:
        return self.application.links.index(app_link) + 1

    def scenario_number(self, app_scenario: ApplicationScenario) -> int:
        return app_scenario.app_link.scenarios.index(app_scenario) + 1

    chinese = staticmethod(chinese_number)
    filled = staticmethod(filled_count)
    OWN = OWN

    def notice(self, dom_id: str) -> Notice | None:
        return self.notices.get(dom_id)

    def is_open(self, app_scenario: ApplicationScenario) -> bool:
        """A 场景 block shows its form while it is incomplete or being worked on; complete ones fold up."""
        dom_id = f"scenario-{app_scenario.id}"
        filled, required = filled_count(app_scenario)
        return (filled < required or app_scenario.id in self.scenario_forms or dom_id in self.notices
                or dom_id == self.open_block or self.focus in (f"{dom_id}-name", f"{dom_id}-description"))
