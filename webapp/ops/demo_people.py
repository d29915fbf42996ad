"""The people side of `flask demo`: e-mail addresses (example.org, e-mail switched on) for every account, an
enterprise whose 申报书 is written by its administrator and two colleagues (one limited to section 三), and a near
enterprise deadline so that the deadline reminders are due. After `flask demo`, `flask send-notices` delivers the
demo's notices and reminders to the configured SMTP server (example.org is reserved: no real mailbox gets them)."""
import re
from datetime import timedelta

from webapp.accounts.colleagues import add_colleague
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import Campaign, MemberAccess, NoticePreference, User

DEMO_DOMAIN = "example.org"
COLLEAGUES = (("周信息", "13907310021", MemberAccess.SECTIONS, ["implementation", "integration"]),
              ("吴财务", "13907310022", MemberAccess.ALL, []))
# Just under a week: the 7-day reminder is due at once, the 3- and 1-day ones follow while the demo is used.
DEADLINE_SOON = timedelta(days=6, hours=20)


def demo_address(user: User) -> str:
    return f"{re.sub(r'[^a-z0-9.-]', '-', user.login.lower())}@{DEMO_DOMAIN}"


def give_email(user: User) -> None:
    """Switch e-mail on for the account, to an example.org address, unless it already chose its channels."""
    if db.session.get(NoticePreference, user.id) is None:
        db.session.add(NoticePreference(user_id=user.id, email=demo_address(user), email_enabled=True,
                                        sms_enabled=False))


def give_everyone_email() -> int:
    users = db.session.execute(db.select(User).where(User.active.is_(True))).scalars().all()
    for user in users:
        give_email(user)
    db.session.flush()
    return len(users)


def add_demo_colleagues(admin: User, password: str) -> list[User]:
    """Two colleagues of the administrator's enterprise (ready to use with `password`), with e-mail."""
    made = []
    for name, mobile, access, sections in COLLEAGUES:
        user, _one_time = add_colleague(admin, name=name, mobile=mobile, access=access, sections=sections)
        user.set_password(password)
        user.must_change_password = False
        user.demo = True            # its password is published: never in production (ops/readiness.py)
        give_email(user)
        made.append(user)
    return made


def bring_deadline_near(campaign: Campaign) -> bool:
    """Move the enterprise deadline to just under a week from now when it is further (the unit deadline keeps its
    distance from it); True if moved."""
    target = utcnow() + DEADLINE_SOON
    if campaign.enterprise_deadline <= target:
        return False
    gap = campaign.unit_deadline - campaign.enterprise_deadline
    campaign.enterprise_deadline, campaign.unit_deadline = target, target + gap
    return True
