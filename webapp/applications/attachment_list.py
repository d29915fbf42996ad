"""八、相关证明材料 as the section shows it: the form's categories in order, with their files, hints, what is required
and the totals; the 盖章版 and its valid stamped scan, and the scans it replaced."""
from dataclasses import dataclass, field

from webapp.applications.final_print import PrintState, print_state
from webapp.applications.uploads import accept_for
from webapp.core.numbers import MB
from webapp.models import Application, AttachmentCategory


# The blocks of section 八 in the form's order, with the form's explanatory text.
SECTION_CATEGORIES = [
    AttachmentCategory.LICENSE, AttachmentCategory.AUDIT, AttachmentCategory.EQUIPMENT, AttachmentCategory.STAFF,
    AttachmentCategory.PHOTOS, AttachmentCategory.ACHIEVEMENTS, AttachmentCategory.OTHER,
    AttachmentCategory.STAMPED_SCAN,
]


HINTS = {
    AttachmentCategory.LICENSE: "",
    AttachmentCategory.AUDIT: "",
    AttachmentCategory.EQUIPMENT: "包括名称、单价、总价、品牌、对应合同、供应商、进口/国产/省产等信息",
    AttachmentCategory.STAFF: "包括人员相关信息表及其资质证书等",
    AttachmentCategory.PHOTOS: "",
    AttachmentCategory.ACHIEVEMENTS: "取得专利、软件著作权等证书或受理文件复印件，标准或标准草案文件及相关阶段复印件，"
                                     "主要研究报告、技术规范等复印件，获得省部级以上科技奖励证书复印件等证明材料",
    AttachmentCategory.OTHER: "智能制造能力成熟度评估报告，与智能制造专项审计报告相对应的发票、合同等佐证材料，"
                              "企业认为所需的其他证明材料等",
    AttachmentCategory.STAMPED_SCAN: "内容全部填好后生成盖章版（定稿），打印后由法定代表人签字并加盖企业公章，扫描后上传"
                                     "（一个 PDF，或一次选择全部页面的 JPG/PNG）。新上传的扫描件会替换之前的，旧的标为已作废。",
}


@dataclass
class CategoryBlock:
    category: AttachmentCategory
    label: str
    hint: str
    required: bool
    accept: str
    files: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.category.value


@dataclass
class Overview:
    blocks: list[CategoryBlock]
    total: int
    limit_mb: int
    file_limit_mb: int
    picture_count: int
    picture_total: int
    stamp: PrintState               # the 盖章版 and the valid stamped scan
    superseded: list                # stamped scans replaced by a later one (已作废), oldest first

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.total / (self.limit_mb * MB))) if self.limit_mb else 0

    def block(self, category: AttachmentCategory) -> CategoryBlock:
        return next(b for b in self.blocks if b.category is category)


def _label(category: AttachmentCategory, application: Application) -> str:
    if category is AttachmentCategory.AUDIT:
        years = application.campaign.economic_years
        return f"（二）近三年（{years[0]}-{years[-1]}年）企业财务审计报告及智能制造专项审计报告"
    return category.label


def attachment_overview(application: Application) -> Overview:
    """Everything section 八 shows: the categories with their files, what is required, the totals."""
    campaign = application.campaign
    required = set(campaign.required_attachments or [])
    blocks = [CategoryBlock(c, _label(c, application), HINTS[c], c.value in required, accept_for(c))
              for c in SECTION_CATEGORIES]
    by_category = {b.category: b for b in blocks}
    pictures, superseded = [], []
    for attachment in application.attachments:
        if attachment.superseded_at is not None:
            superseded.append(attachment)
        elif attachment.category in by_category:
            by_category[attachment.category].files.append(attachment)
        else:
            pictures.append(attachment)
    return Overview(blocks=blocks, total=sum(a.size for a in application.attachments),
                    limit_mb=campaign.max_application_mb, file_limit_mb=campaign.max_file_mb,
                    picture_count=len(pictures), picture_total=sum(a.size for a in pictures),
                    stamp=print_state(application), superseded=superseded)
