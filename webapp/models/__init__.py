"""All models, imported here so that Alembic and the app see one metadata."""
from .accounts import ROLE_LABELS, STAFF_ROLES, Enterprise, RecommendingUnit, Role, User  # noqa: F401
from .application import (  # noqa: F401
    Application, ApplicationLink, ApplicationScenario, ApplicationStatus, Attachment, EconomicYear,
    EnterpriseNature, ListItem, ListKind, ReviewComment, SectionVersion, Snapshot, StatusChange,
)
from .audit import AuditRecord  # noqa: F401
from .campaign import (  # noqa: F401
    ApplicationType, AttachmentCategory, Campaign, CampaignRule, DeadlineExtension, RuleKey, RuleMode,
    UnitQuota, UnitReport,
)
from .reference import (  # noqa: F401
    Area, CatalogueEdition, County, IndustryDivision, IndustryGroup, IndustrySection, Link, Prefecture, Scenario,
)
from .security import LoginThrottle, SecondFactor, SecuritySetting  # noqa: F401
