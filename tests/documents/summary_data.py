"""Sample 汇总表 content and helpers to read the workbooks back, shared by the workbook tests."""
import io
from datetime import date

from openpyxl import load_workbook

from webapp.documents.summary_xlsx import SummaryRow, UnitSummary, build_unit_workbook

HEADERS = ["序号", "申报企业名称", "企业所在县市区", "申报标杆类型", "申报车间名称", "所属行业大类",
           "所属行业中类", "涉及智能制造环节及其场景（罗列）", "联系人", "联系电话"]
NOTES = ["注：1.申报标杆类型选填标杆企业或标杆车间；",
         "2.申报车间名称仅申报标杆车间的企业填写，申报标杆企业的无需填写；",
         "3.所属行业大类及中类按申报书中的说明填写。"]
TEXT_FIELDS = ("company_name", "county", "app_type_label", "workshop_name", "industry_division",
               "industry_group", "contact_name", "contact_phone")
FORMULA_LIKE = ["=1+1", "+86", "-3", "@SUM(A1)", '=HYPERLINK("http://x")', "#N/A", "#DIV/0!", "#REF!",
                "=cmd|' /C calc'!A0", "\t=1+1", "=", "+", "-"]

ENTERPRISE_LINKS = [("产品设计", ["产品数字化研发与设计", "虚拟试验与调试"]),
                    ("生产作业", ["产线柔性配置", "精益生产管理"]),
                    ("质量管控", ["智能在线检测"])]
WORKSHOP_LINKS = [("生产作业", ["人机协同制造"]), ("仓储物流", ["智能仓储", "精准配送"])]


def make_row(order=1, **changes) -> SummaryRow:
    values = dict(order=order, company_name=f"湖南示例智能装备有限公司{order}", county="长沙市岳麓区",
                  app_type_label="标杆企业", workshop_name="", industry_division="35专用设备制造业",
                  industry_group="351采矿、冶金、建筑专用设备制造", links=ENTERPRISE_LINKS,
                  contact_name="张三", contact_phone="13800138000")
    values.update(changes)
    return SummaryRow(**values)


ROWS = [
    make_row(1, company_name="株洲示例电子股份有限公司"),
    make_row(2, company_name="长沙示例重工股份有限公司", app_type_label="标杆车间",
             workshop_name="结构件焊接智能车间", county="岳麓区", links=WORKSHOP_LINKS,
             contact_name="李四", contact_phone="0731-88888888"),
    make_row(3, company_name="岳阳示例石化有限公司", industry_division="25石油、煤炭及其他燃料加工业",
             industry_group="251精炼石油产品制造", contact_phone="008613800138000"),
]
UNIT = UnitSummary(year=2024, unit_name="长沙市工业和信息化局", fill_date=date(2024, 5, 8), rows=ROWS)


def load(data: bytes):
    return load_workbook(io.BytesIO(data))


def unit_sheet(summary: UnitSummary = UNIT):
    workbook = load(build_unit_workbook(summary))
    assert workbook.sheetnames == ["推荐汇总表"]
    return workbook["推荐汇总表"]


def merged(sheet) -> set[str]:
    return {str(cell_range) for cell_range in sheet.merged_cells.ranges}


def row_values(sheet, row: int, columns: int = 10) -> list:
    return [sheet.cell(row, column).value for column in range(1, columns + 1)]
