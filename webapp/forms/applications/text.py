"""Forms of the narrative parts: 二、企业情况概述, 三 协同集成情况, 四 … 七."""
from wtforms import TextAreaField

from webapp.forms.base import SectionForm
from webapp.forms.applications.basic import TEXT, optional_text

# The form sets no limit for these parts; a generous cap keeps one section within the request size limit.
LONG_TEXT = 10000


def long_text(label, description=""):
    return TextAreaField(label, filters=TEXT, validators=optional_text(LONG_TEXT), description=description)


class OverviewForm(SectionForm):
    overview_company = long_text("（一）企业概况", "企业成立时间、主营业务、发展历程、经营状况（主营业务收入、总资产、行业地位）、"
                                          "员工情况、省部级以上荣誉、行业资质等")
    overview_technology = long_text("（二）技术水平", "研发队伍、科研成果、知识产权、提供技术支持和服务的能力和条件等")
    overview_advantages = long_text("（三）行业优势", "在相关行业、区域以及智能制造方面已具备的技术优势、服务优势")


class IntegrationForm(SectionForm):
    integration = long_text("协同集成情况", "需重点阐述各个系统之间、多个场景之间的集成协同情况，以及对供应链上下游企业的带动情况")


class OutcomesForm(SectionForm):
    outcomes = long_text("智能制造实施成效", "企业在提高生产效率、缩短研发周期、降低产品不良品率、降低企业运营成本、提高资源利用率等方面的"
                                     "关键绩效指标情况，以及其他个性化指标完成情况，包括突破的短板技术装备情况等")


class InfluenceForm(SectionForm):
    influence = long_text("（一）影响力", "项目实施对行业和区域的影响和带动作用")
    advancement = long_text("（二）先进性", "与国内外先进水平、行业领军企业比较，项目具备的先进性")
    demonstration = long_text("（三）示范推广", "围绕智能制造的实施，总结提炼可复制、可推广的典型解决方案、应用场景、模式等")


class PlanForm(SectionForm):
    next_steps = long_text("下一步工作计划", "目前仍待解决的问题；下一步实施计划")


class LessonsForm(SectionForm):
    lessons = long_text("智能制造经验总结", "遇到的困难、走过的弯路、形成的经验")
