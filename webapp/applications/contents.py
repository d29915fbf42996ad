"""Loading an application's 环节 and 场景 blocks and attachments in a fixed number of queries."""
from sqlalchemy import inspect
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from webapp.core.extensions import db
from webapp.models import Application, ApplicationLink, ApplicationScenario, Link


def load_contents(application: Application, *, guide: bool = False) -> Application:
    """Load the 环节 and 场景 blocks of the application with what the checklist and the pages read of them (the
    guide's 环节 and scenario names, the pictures of each 场景) and its attachments in a fixed number of queries,
    instead of one query per 环节 and per 场景. `guide`: also the guide's scenarios of each chosen 环节 (the choices
    of the implementation editor). Collections already loaded in this session are left as they are."""
    if application.id is None:
        return application
    unloaded = inspect(application).unloaded
    if "links" not in unloaded and "attachments" not in unloaded and not guide:
        return application
    links = joinedload(ApplicationLink.link)
    if guide:
        links = links.selectinload(Link.scenarios)
    db.session.execute(
        db.select(Application).where(Application.id == application.id).options(
            selectinload(Application.links).options(
                links, selectinload(ApplicationLink.scenarios).joinedload(ApplicationScenario.scenario)),
            selectinload(Application.attachments))
    ).scalar_one()
    # The pictures of each 场景 are among the attachments just loaded: fill the collections without a query each.
    pictures: dict[int, list] = {}
    for attachment in application.attachments:
        if attachment.app_scenario_id is not None:
            pictures.setdefault(attachment.app_scenario_id, []).append(attachment)
    for app_link in application.links:
        for app_scenario in app_link.scenarios:
            state = inspect(app_scenario)
            if "pictures" in state.unloaded and not state.modified:
                set_committed_value(app_scenario, "pictures", pictures.get(app_scenario.id, []))
    return application
