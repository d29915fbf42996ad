"""一、基本情况表: one table on a fixed grid, its rows in the order of 附件2."""
from docx.shared import Cm

from webapp.ops.word_template.blocks import END, Fit, FormTable, P, heading, noted, page_break_before
from webapp.ops.word_template.footnotes import COSTS, EFFECTS, INDUSTRY, LINKS, WORKSHOP
from webapp.ops.word_template.styles import RIGHT

PLEDGE = ("我单位申报提供的所有材料均真实、完整、准确。我单位申报材料内容所涉及的活动均符合国家相关法律法规要求。"
          "如有不实，愿承担相应的责任。")
L, V, N, T, H = "label", "value", "number", "text", "head"

ECONOMY_ROWS = [("总资产（万元）", "total_assets"), ("负债率（%）", "debt_ratio"),
                ("主营业务收入（万元）", "revenue"), ("上缴税金（万元）", "taxes"), ("实现利润（万元）", "profit")]
HONOUR_LINES = [
    "{{ honours.national_pilot }}国家智能制造试点示范企业　　{{ honours.national_demo_factory }}国家智能制造示范工厂",
    "{{ honours.national_standard_project }}国家智能制造综合标准化与新模式应用项目承担企业",
    "{{ honours.hunan_demo_enterprise }}湖南省智能制造示范企业　　{{ honours.hunan_demo_workshop }}湖南省智能制造示范车间",
    "{{ honours.integration_certified }}国家两化融合贯标通过评定企业",
    "{{ honours.maturity_certified }}国家智能制造能力成熟度通过评定企业（等级：{{ honours.maturity_level or '　　' }}级）",
    "{{ honours.other }}其他（请注明）{{ honours.other_text }}",
]
EFFECT_ROWS = [
    (("关键设备数控化率（%）", "cnc_rate"), ("关键设备联网率（%）", "network_rate")),
    (("生产效率提升（%）", "productivity"), ("资源综合利用率提升（%）", "resource_use")),
    (("研发周期缩短（%）", "rd_cycle"), ("运营成本下降（%）", "operating_cost")),
    (("产品不良率下降（%）", "defect_rate"), ("优化人员比例（%）", "staff_optimised")),
    (("设备综合利用率提升（%）", "equipment_use"), ("库存周转率提升（%）", "inventory_turnover")),
    (("订单准时交付率提升（%）", "on_time_delivery"), ("订单完成周期缩短（%）", "order_cycle")),
    (("物流成本占企业运营成本比重降低（%）", "logistics_cost"), ("土地利用率提升（%）", "land_use")),
]


def build_basic_table(doc) -> None:
    page_break_before(heading(doc, "一、基本情况表", 1))
    table = FormTable(doc)
    _enterprise_rows(table)
    _economy_rows(table)
    _honour_and_staff_rows(table)
    _investment_rows(table)
    _capability_rows(table)
    _effect_rows(table)
    # The legal representative signs and dates by hand, as on the paper form: nothing is printed after the labels.
    table.row((2.4, "真实性承诺", L), (END, [
        P(PLEDGE, indent=True),
        P("企业法定代表人：", before=14),
        P("公　　　　章：", before=14),
        P("年　　月　　日", align=RIGHT, before=14, right=42)], T), keep=True)


def _enterprise_rows(t: FormTable) -> None:
    t.row((END, "（一）企业基本信息", H))
    t.row((2.4, "企业名称", L), (END, "{{ company_name }}", V))
    t.row((2.4, "组织机\n构代码", L), (7.8, "{{ org_code }}", V), (9.8, "成立时间", L), (END, "{{ founded_on }}", V))
    t.row((2.4, "企业性质", L), (END, "{{ nature.state }}国企　{{ nature.private }}民营　{{ nature.foreign }}三资　"
                                     "{{ nature.other }}其他（请注明）{{ nature_other }}", V))
    t.row((2.4, noted("所属行业", INDUSTRY), L), (8.4, "{{ industry_division or '（行业大类代码+名称）' }}", V),
          (END, "{{ industry_group or '（行业中类代码+名称）' }}", V))
    t.row((2.4, "单位地址", L), (END, "{{ address }}", V))
    for label, key in (("法人代表/\n负责人", "legal_rep"), ("联系人", "contact")):
        first = t.row((2.4, label, L), (4.4, "姓名", L), (7.8, "{{ %s.name }}" % key, V),
                      (9.2, "手机", L), (END, "{{ %s.mobile }}" % key, V))
        last = t.row((2.4, "", L), (4.4, "职务", L), (7.8, "{{ %s.title }}" % key, V),
                     (9.2, "E-mail", L), (END, Fit("%s.email" % key), V))
        t.merge_down(first, last)


def _economy_rows(t: FormTable) -> None:
    t.row((4.4, "近三年主要经济指标", L), *[(cut, "{{ economy.years[%d] }}" % i, L)
                                      for i, cut in enumerate((7.8, 11.2, END))])
    for label, key in ECONOMY_ROWS:
        number = "percent" if key == "debt_ratio" else "amount"
        t.row((4.4, label, L), *[(cut, Fit("economy.%s[%d]|%s" % (key, i, number)), N)
                                 for i, cut in enumerate((7.8, 11.2, END))])


def _honour_and_staff_rows(t: FormTable) -> None:
    t.row((2.4, "相关荣誉", L), (END, HONOUR_LINES, V))
    t.row((END, "企业近三年是否发生过重大安全生产事故、重大环境事故　　　{{ accident.yes }}是　　{{ accident.no }}否", V))
    first = t.row((2.4, "智能制造相关技术人员", L), (4.4, "总　　数", L), (END, "{{ staff.total }}人", V))
    t.row((2.4, "", L), (4.4, "高级职称", L), (7.8, "{{ staff.senior }}人", V),
          (9.8, "中级职称", L), (END, "{{ staff.intermediate }}人", V))
    last = t.row((2.4, "", L), (4.4, "初级职称", L), (7.8, "{{ staff.junior }}人", V),
                 (9.8, "其他人员", L), (END, "{{ staff.other }}人", V))
    t.merge_down(first, last)
    t.row((2.4, "企\n业\n简\n介", L), (END, [P("{{ profile|paras if profile else '（发展历程、主营业务、市场销售等方面"
                                           "基本情况，500字以内）' }}", indent=True)], T), height=Cm(4))


def _investment_rows(t: FormTable) -> None:
    """Every application shows the three 车间 rows (a 标杆企业 leaves them empty, as footnote ② says)."""
    t.row((END, "（二）智能制造情况", H))
    t.row((9.8, "企业实施智能制造的总投入（万元）", L), (END, Fit("invest.total|amount"), N))
    t.row((9.8, "企业近3年实施智能制造的总投入（万元）", L), (END, Fit("invest.three_years|amount"), N))
    t.row((9.8, noted("智能制造车间名称", WORKSHOP), L), (END, "{{ workshop.name }}", V))
    t.row((9.8, "车间实施智能制造的总投入（万元）", L), (END, Fit("workshop.total|amount"), N))
    t.row((9.8, "车间近3年实施智能制造的总投入（万元）", L), (END, Fit("workshop.three_years|amount"), N))
    first = t.row((2.4, noted("其中：", COSTS), L), (6.4, "设备费（万元）", L), (8.4, Fit("invest.equipment|amount"), N),
                  (12.5, "工业软件费（万元）", L), (END, Fit("invest.software|amount"), N))
    last = t.row((2.4, "", L), (6.4, "测试验证和项目咨询费（万元）", L), (8.4, Fit("invest.testing|amount"), N),
                 (12.5, "人员费用（万元）", L), (END, Fit("invest.personnel|amount"), N))
    t.merge_down(first, last)
    t.row((9.8, "其中：国产智能制造软、硬件投资占比", L), (END, "{{ invest.domestic_share|percent }}%", N))
    t.row((9.8, "其中：省产智能制造软、硬件投资占比", L), (END, "{{ invest.provincial_share|percent }}%", N))
    _link_rows(t)


def _link_rows(t: FormTable) -> None:
    """1.–8. on the blank form (with …… under them), the application's 环节 two per row otherwise."""
    first = t.row((2.4, noted("实施智能制造涵盖的环节", LINKS), L), (8.4, "{{ link_rows[0][0] }}", V),
                  (END, "{{ link_rows[0][1] }}", V))
    t.mark_vmerge(first, "restart")
    t.tag_row("{%tr for pair in link_rows[1:] %}")
    t.mark_vmerge(t.row((2.4, "", L), (8.4, "{{ pair[0] }}", V), (END, "{{ pair[1] }}", V)), "continue")
    t.tag_row("{%tr endfor %}")
    t.tag_row("{%tr if blank %}")
    t.mark_vmerge(t.row((2.4, "", L), (8.4, "……", V), (END, "", V)), "continue")
    t.tag_row("{%tr endif %}")


def _numbered(name: str) -> list:
    """A numbered list of the context list `name` (… under it on the blank form)."""
    return ["{%%p for item in %s %%}" % name, P("{{ loop.index }}. {{ item|paras }}"), "{%p endfor %}",
            "{%p if blank %}", "……", "{%p endif %}"]


def _capability_rows(t: FormTable) -> None:
    t.row((2.4, "智能制造实现功能", L), (END, ["在研发设计、生产制造、经营管理等方面实现的功能：", *_numbered("functions")], T))
    t.row((2.4, "智能制造技术创新能力", L), (END, [
        "智能制造技术支撑机构：（拥有的企业技术中心、工程技术中心、创新中心、实验室等研发机构的等级及名称）",
        P("{{ support_institutions|paras }}", indent=True),
        P("产学研主要合作单位及智能制造供应商名称：", before=4),
        P("{{ partners|paras }}", indent=True)], T))
    t.row((2.4, "已取得智能制造技术成果", L), (END, [
        "解决的关键问题：", *_numbered("key_problems"),
        P("突破的关键技术及短板装备：", before=4), *_numbered("key_technologies")], T))


def _effect_rows(t: FormTable) -> None:
    first = None
    for (left_label, left), (right_label, right) in EFFECT_ROWS:
        index = t.row((2.4, "" if first is not None else noted("智能制造实施效果", EFFECTS), L),
                      (6.4, left_label, L), (8.4, "{{ effects.%s|percent }}" % left, N),
                      (12.5, right_label, L), (END, "{{ effects.%s|percent }}" % right, N))
        first = index if first is None else first
    last = t.row((2.4, "", L), (END, [P([("其他效果：", {}), ("{{ effects_other|paras }}", {})])], T),
                 height=Cm(1.5))
    t.merge_down(first, last)
