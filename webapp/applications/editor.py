"""What the editor page shows around a section: the section list with each section's state and the unit's comments,
the progress, the eligibility beside the form, the 盖章版 and whether an edit would void it, the unit's comments on
this section, who else is editing it, and what the section's template needs."""
from flask_login import current_user

from webapp.accounts.members import is_enterprise_admin, may_edit_section
from webapp.applications.checklist import checklist
from webapp.applications.comments import comments_by_section
from webapp.applications.final_print import print_state
from webapp.applications.presence import HEARTBEAT, others_editing
from webapp.applications.sections import SECTIONS, Section
from webapp.models import Application
from webapp.status import is_editable


def editor_context(application: Application, section: Section, form=None, **extra) -> dict:
    """The template context of the editor page for `section`; `extra` adds to it (feedback, posted editor state).

    Shared by every section's views (the form sections, 三's blocks and 八's uploads)."""
    reports, eligibility = checklist(application, application.campaign)
    done = sum(1 for r in reports.values() if r.state == "已完成")
    commented = comments_by_section(application)
    context = dict(application=application, section=section, form=form, sections=SECTIONS, reports=reports,
                   eligibility=eligibility, progress=round(100 * done / len(SECTIONS)), saved_at=None,
                   conflict=None, restamp=None, notice=None, editable=is_editable(application), campaign=application.campaign,
                   commented=commented, comments=commented.get(section.key, []), stamp=print_state(application),
                   may_edit={s.key for s in SECTIONS if may_edit_section(current_user, s.key)},
                   is_admin=is_enterprise_admin(current_user), heartbeat=HEARTBEAT,
                   presence=others_editing(application, section.key, current_user))
    context.update(extra)
    context.update(section.view_context(application, context))
    return context
