"""The states of an application (the state table that moves them is webapp/status.py) and their labels."""
import enum


class ApplicationStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RECOMMENDED = "recommended"
    NOT_RECOMMENDED = "not_recommended"
    # The province's selection after the unit's 报送 (形式审查, 专家评审) …
    CORRECTION = "correction"              # 需补正: back with the enterprise alone, the unit's list stays reported
    CORRECTED = "corrected"                # 补正已提交: waiting for the province to check it again
    FORM_PASSED = "form_passed"
    FORM_FAILED = "form_failed"
    UNDER_REVIEW = "under_review"
    # … and its outcome (拟认定名单, 公示, 认定: states of the next step, see status.TRANSITIONS).
    PROPOSED = "proposed"
    INCUBATION = "incubation"
    NOT_SELECTED = "not_selected"
    RECOGNISED = "recognised"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self][0]

    @property
    def css(self) -> str:
        return STATUS_LABELS[self][1]


STATUS_LABELS = {
    ApplicationStatus.DRAFT: ("草稿", "status-draft"),
    ApplicationStatus.SUBMITTED: ("已提交", "status-submitted"),
    ApplicationStatus.RETURNED: ("退回修改", "status-returned"),
    ApplicationStatus.RECOMMENDED: ("已推荐", "status-recommended"),
    ApplicationStatus.NOT_RECOMMENDED: ("未推荐", "status-not-recommended"),
    ApplicationStatus.CORRECTION: ("需补正", "status-returned"),
    ApplicationStatus.CORRECTED: ("补正已提交", "status-submitted"),
    ApplicationStatus.FORM_PASSED: ("形式审查通过", "status-recommended"),
    ApplicationStatus.FORM_FAILED: ("形式审查不通过", "status-not-recommended"),
    ApplicationStatus.UNDER_REVIEW: ("评审中", "status-submitted"),
    ApplicationStatus.PROPOSED: ("拟认定", "status-recommended"),
    ApplicationStatus.INCUBATION: ("入库培育", "status-submitted"),
    ApplicationStatus.NOT_SELECTED: ("未入选", "status-not-recommended"),
    ApplicationStatus.RECOGNISED: ("已认定", "status-recommended"),
    ApplicationStatus.REVOKED: ("已撤销", "status-not-recommended"),
}

# The unit's own decisions: what its queue, quota and home page count.
UNIT_STATES = (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED, ApplicationStatus.RECOMMENDED,
               ApplicationStatus.NOT_RECOMMENDED)
# On the unit's reported list (推荐汇总表): recommended, and every state the province's selection moves it to.
RECOMMENDED_STATES = (ApplicationStatus.RECOMMENDED, ApplicationStatus.CORRECTION, ApplicationStatus.CORRECTED,
                      ApplicationStatus.FORM_PASSED, ApplicationStatus.FORM_FAILED, ApplicationStatus.UNDER_REVIEW,
                      ApplicationStatus.PROPOSED, ApplicationStatus.INCUBATION, ApplicationStatus.NOT_SELECTED,
                      ApplicationStatus.RECOGNISED, ApplicationStatus.REVOKED)
