"""二 … 八: the narrative sections, the 环节/场景 loops of 三 and the list of proof files of 八."""
from webapp.ops.word_template.blocks import heading, page_break_before, paragraph
from webapp.ops.word_template.styles import KAI

OVERVIEW = [("（一）企业概况：", "企业成立时间、主营业务、发展历程、经营状况（主营业务收入、总资产、行业地位）、员工情况、"
                                "省部级以上荣誉、行业资质等", "overview_company"),
            ("（二）技术水平：", "研发队伍、科研成果、知识产权、提供技术支持和服务的能力和条件等", "overview_technology"),
            ("（三）行业优势：", "在相关行业、区域以及智能制造方面已具备的技术优势、服务优势", "overview_advantages")]
INFLUENCE = [("（一）影响力：", "项目实施对行业和区域的影响和带动作用", "influence"),
             ("（二）先进性：", "与国内外先进水平、行业领军企业比较，项目具备的先进性", "advancement"),
             ("（三）示范推广：", "围绕智能制造的实施，总结提炼可复制、可推广的典型解决方案、应用场景、模式等", "demonstration")]
# Each item of a 场景: label, context key, the form's hint (printed on the blank form) and its 示例 paragraph.
SCENARIO_ITEMS = [
    ("1．具体场景名称", "name", "。如：人机协同作业", ""),
    ("2．具体场景描述", "description", "（结合要素条件进行描述）（150字以内）",
     "示例：针对发动机壳体加工，搭建多台五轴机床+多台机器人组成柔性加工单元。"),
    ("3．解决的痛点问题", "pain_points", "（150字以内）", "示例：解决复杂壳体加工效率低、质量不高等突出问题。"),
    ("4．采用的技术方案", "solution", "（包括供应商，300字以内，可以配图）",
     "示例：在已有五轴数控机床的基础上，配置上下料机器人、三坐标测量仪等，通过机器人进行自动上下料、自动变换装夹位置，"
     "通过三坐标测量仪对关键加工部位的精度、粗糙度进行自动检测，在检测不合格的情况下自动预警。"
     "这一解决方案是由***公司进行改造实施。"),
    ("5．保障要素", "safeguards", "（如人、管理机制、组织标准、培训等，150字以内）", "示例：编制发动机壳体加工企业标准。"),
    ("6．实施成果", "results", "（最好通过量化指标描述，200字以内）",
     "示例：场景建设完成后，操作人员从5人减少至2人，加工效率提升30%，产品不良品率降低10%。"),
    ("7．其他", "other", "（如对于其他车间、工厂的带动效应等）（150字以内，选填）",
     "示例：在该场景进行智能化改造后，整个工厂的产能提升10%，经济效益明显。"),
]
GUIDE_RUN = {"east_asia": KAI, "size": 12, "bold": False}      # the form's guidance after a heading
ATTACHMENT_HEADINGS = [
    ("license", "（一）企业营业执照复印件", ""),
    ("audit", "（二）近三年（{{ economy.span }}）企业财务审计报告及智能制造专项审计报告", ""),
    ("equipment", "（三）关键技术设备、软件的清单及品牌、供应商",
     "（包括名称、单价、总价、品牌、对应合同、供应商、进口/国产/省产等信息）"),
    ("staff", "（四）主要技术人员情况", "（包括人员相关信息表及其资质证书等）"),
    ("photos", "（五）企业智能化生产线、车间、工厂的照片、图片", ""),
    ("achievements", "（六）技术成果及荣誉", "（取得专利、软件著作权等证书或受理文件复印件，标准或标准草案文件及相关阶段复印件，"
                                    "主要研究报告、技术规范等复印件，获得省部级以上科技奖励证书复印件等证明材料）"),
    ("other", "（七）其他相关证明文件", "（智能制造能力成熟度评估报告，与智能制造专项审计报告相对应的发票、合同等佐证材料，"
                              "企业认为所需的其他证明材料等）"),
]


def build_sections(doc) -> None:
    page_break_before(heading(doc, "二、企业情况概述", 1))
    for label, guidance, key in OVERVIEW:
        _lead_and_text(doc, label, guidance, key)
    _implementation(doc)
    _titled_text(doc, "四、智能制造实施成效", "（企业在提高生产效率、缩短研发周期、降低产品不良品率、降低企业运营成本、"
                 "提高资源利用率等方面的关键绩效指标情况，以及其他个性化指标完成情况，包括突破的短板技术装备情况等）", "outcomes")
    heading(doc, "五、行业影响及示范作用", 1)
    paragraph(doc, "（在行业内的影响、示范、带动引领作用）", "FormGuide")
    for label, guidance, key in INFLUENCE:
        _lead_and_text(doc, label, guidance, key)
    _titled_text(doc, "六、下一步工作计划", "（目前仍待解决的问题；下一步实施计划）", "next_steps")
    _titled_text(doc, "七、智能制造经验总结", "（遇到的困难、走过的弯路、形成的经验）", "lessons")
    _attachments(doc)


def _lead_and_text(doc, label: str, guidance: str, key: str) -> None:
    paragraph(doc, [(label, {}), (guidance, GUIDE_RUN)], "Heading2")
    paragraph(doc, "{{ %s|paras }}" % key)


def _titled_text(doc, title: str, guidance: str, key: str) -> None:
    heading(doc, title, 1)
    paragraph(doc, guidance, "FormGuide")
    paragraph(doc, "{{ %s|paras }}" % key)


def _implementation(doc) -> None:
    heading(doc, "三、智能制造实施内容", 1)
    paragraph(doc, "（对《基本情况表》中所列智能制造实践所列环节，逐个描述企业在该环节及相应的智能制造典型场景中实施智能制造"
                   "所开展的工作和取得的成果，并阐述各系统、环节、场景之间的集成协同情况，以及对供应链上下游企业的带动情况）",
              "FormGuide")
    paragraph(doc, "{%p if blank %}")
    _blank_link(doc)
    paragraph(doc, "{%p else %}")
    _links(doc)
    paragraph(doc, "{%p endif %}")
    paragraph(doc, [("（{{ integration_ordinal }}）协同集成情况", {})], "Heading2")
    paragraph(doc, "（需重点阐述各个系统之间、多个场景之间的集成协同情况，以及对供应链上下游企业的带动情况）", "FormGuide")
    paragraph(doc, "{{ integration|paras }}")


def _blank_link(doc) -> None:
    """The blank form's 环节1 as 附件2 prints it: each item with its hint and its 示例, then 环节2 and ……."""
    paragraph(doc, [("（一）环节1", {}), ("。如：生产作业", GUIDE_RUN)], "Heading2")
    for label, _key, hint, example in SCENARIO_ITEMS:
        paragraph(doc, [(label, {"bold": True}), (hint, {"east_asia": KAI})], "FormItem")
        if example:
            paragraph(doc, example, "FormExample")
    paragraph(doc, "（二）环节2", "Heading2")
    paragraph(doc, "……")


def _links(doc) -> None:
    """The application's 环节, each with its 场景 and their seven items (pictures after the technical solution)."""
    paragraph(doc, "{%p for link in links %}")
    heading(doc, "（{{ link.ordinal }}）环节{{ link.position }}：{{ link.name }}", 2)
    paragraph(doc, "{%p for s in link.scenarios %}")
    heading(doc, "场景{{ s.position }}：{{ s.title }}", 3)
    for label, key, _hint, _example in SCENARIO_ITEMS:
        paragraph(doc, [(label + "：", {"bold": True}), ("{{ s.%s|paras }}" % key, {})], "FormItem")
        if key == "solution":
            paragraph(doc, "{%p for picture in s.pictures %}")
            paragraph(doc, "{{ images[picture.id] }}", "FormPicture")
            paragraph(doc, "{%p endfor %}")
    paragraph(doc, "{%p endfor %}")
    paragraph(doc, "{%p endfor %}")


def _attachments(doc) -> None:
    heading(doc, "八、相关证明材料", 1)
    for key, label, guidance in ATTACHMENT_HEADINGS:
        runs = [(label, {})] + ([(guidance, GUIDE_RUN)] if guidance else [])
        paragraph(doc, runs, "Heading3")
        paragraph(doc, "{%%p for name in attachments.%s %%}" % key)
        paragraph(doc, "{{ loop.index }}. {{ name }}", "FormItem")
        paragraph(doc, "{%p else %}")
        paragraph(doc, "{{ '' if blank else '（未上传）' }}", "FormItem")
        paragraph(doc, "{%p endfor %}")
