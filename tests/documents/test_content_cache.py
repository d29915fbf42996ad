"""Generated documents kept by the digest of their data: built once per content, rebuilt when the data changes."""
from datetime import date

from webapp.documents.content_cache import ContentCache
from webapp.documents.summary_xlsx import SummaryRow, UnitSummary


def summary(contact: str) -> UnitSummary:
    row = SummaryRow(order=1, company_name="湖南星沙智能装备有限公司", county="长沙县", app_type_label="标杆企业",
                     links=[("计划调度", ["高级计划排程"])], contact_name=contact, contact_phone="13800000000")
    return UnitSummary(year=2024, unit_name="长沙市工业和信息化局", fill_date=date(2024, 5, 8), rows=[row])


class Builder:
    def __init__(self):
        self.built = []

    def __call__(self, data):
        def build() -> bytes:
            self.built.append(data)
            return repr(data).encode()
        return build


def test_the_same_data_is_built_once():
    cache, build = ContentCache(), Builder()
    first = cache.get("unit-workbook", summary("张三"), build(summary("张三")))
    again = cache.get("unit-workbook", summary("张三"), build(summary("张三")))      # equal data, a new object
    assert again is first and len(build.built) == 1


def test_any_change_of_the_data_or_of_the_kind_is_built_again():
    cache, build = ContentCache(), Builder()
    cache.get("unit-workbook", summary("张三"), build("a"))
    cache.get("unit-workbook", summary("李四"), build("b"))           # a field deep in a row
    cache.get("letter", summary("张三"), build("c"))                   # another document of the same data
    assert build.built == ["a", "b", "c"]


def test_the_least_recently_used_goes_first():
    cache, build = ContentCache(size=2), Builder()
    for key in ("a", "b"):
        cache.get("doc", key, build(key))
    cache.get("doc", "a", build("a again"))                            # a is used: b is now the oldest
    cache.get("doc", "c", build("c"))
    cache.get("doc", "a", build("a third"))
    cache.get("doc", "b", build("b again"))
    assert build.built == ["a", "b", "c", "b again"]
