"""All models, imported here so that Alembic and the app see one metadata."""
from webapp.models.accounts import ROLE_LABELS, STAFF_ROLES, Enterprise, RecommendingUnit, Role, User  # noqa: F401
from webapp.models.application import (  # noqa: F401
    RECOMMENDED_STATES, UNIT_STATES, Application, ApplicationLink, ApplicationScenario, ApplicationStatus, Attachment,
    EconomicYear, EnterpriseNature, ListItem, ListKind, ReviewComment, SectionVersion, Snapshot, StatusChange,
)
from webapp.models.audit import AuditArchive, AuditRecord, AuditSeal  # noqa: F401
from webapp.models.final_print import FinalPrint  # noqa: F401
from webapp.models.campaign import (  # noqa: F401
    ApplicationType, AttachmentCategory, Campaign, CampaignRule, DeadlineExtension, RuleKey, RuleMode,
    ReportStatus, UnitQuota, UnitReport,
)
from webapp.models.reference import (  # noqa: F401
    Area, CatalogueEdition, County, IndustryDivision, IndustryGroup, IndustrySection, Link, Prefecture, Scenario,
)
from webapp.models.selection import (  # noqa: F401
    Aggregation, Assignment, AssignmentState, CorrectionRequest, Criterion, CriterionScore, Expert, ExpertReminder,
    ExpertRelation, LetterScan, ReviewPlan, ScoreCard, ScoreSheet, SiteVisit, SiteVisitFile, SiteVisitKind,
)
from webapp.models.imports import WordImport  # noqa: F401
from webapp.models.security import CaptchaUse, LoginCounter, SecondFactor, SecuritySetting  # noqa: F401
from webapp.models.members import EnterpriseMember, MemberAccess, SectionPresence, SectionSave  # noqa: F401
from webapp.models.notices import Channel, DeliveryStatus, Notice, NoticePreference, OutboxMessage  # noqa: F401
from webapp.models.publicity import (  # noqa: F401
    Objection, ObjectionFile, ObjectionState, ProposalQuota, Publicity, PublicityEntry,
)
from webapp.models.recognition import (  # noqa: F401
    Certificate, PriorRecognition, RecheckFile, RecheckRequest, RecheckStatus, RecognitionDecision,
)
from webapp.models.scenario_counts import OWN_SCENARIO, ScenarioClaims, ScenarioCount  # noqa: F401
