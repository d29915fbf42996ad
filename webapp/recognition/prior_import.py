"""Earlier years' recognition lists (before this system), imported from Excel for the repeat-application rule: all
rows or none, every problem reported with its row number.

Columns (by header name, any order): 认定年度, 统一社会信用代码, 企业名称, 标杆类型 (标杆企业/标杆车间), 车间名称 (for a
车间), 认定文号 (optional). A line already imported (same year, code, type and workshop) is left as it is.
"""
import io
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from webapp.accounts.codes import credit_code_problem, normalize
from webapp.applications.uploads import UploadError, detect_kind, scan_and_check
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.models import ApplicationType, PriorRecognition, User

COLUMNS = ["认定年度", "统一社会信用代码", "企业名称", "标杆类型", "车间名称", "认定文号"]
REQUIRED = {"认定年度", "统一社会信用代码", "企业名称", "标杆类型"}
TYPES = {"标杆企业": ApplicationType.ENTERPRISE, "企业": ApplicationType.ENTERPRISE,
         "标杆车间": ApplicationType.WORKSHOP, "车间": ApplicationType.WORKSHOP}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


class PriorListError(ValueError):
    """The file as a whole cannot be read; the message is for the admin."""


@dataclass
class PriorImportResult:
    added: int = 0
    kept: int = 0
    errors: list[str] = field(default_factory=list)


def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""


def check_file(data: bytes, name: str) -> None:
    """The same checks as every upload: the size, clamd's scan and the Office container's checks."""
    if len(data) > MAX_BYTES:
        raise PriorListError("文件超过 5 MB，请拆分后导入。")
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "list.xlsx"
        path.write_bytes(data)
        kind = detect_kind(path)
        try:
            scan_and_check(path, name, kind)
        except UploadError as refused:
            raise PriorListError(str(refused)) from None
    if kind != "xlsx":
        raise PriorListError("无法读取该文件：请使用 Excel（.xlsx）格式，可先下载导入模板。")


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise PriorListError("无法读取该文件：请使用 Excel（.xlsx）格式，可先下载导入模板。") from None
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = [_text(value) for value in next(rows, [])]
    missing = REQUIRED - set(header)
    if missing:
        raise PriorListError(f"第1行应为表头，缺少列：{'、'.join(c for c in COLUMNS if c in missing)}。请使用导入模板。")
    out = []
    for number, values in enumerate(rows, start=2):
        record = {name: _text(value) for name, value in zip(header, values) if name in COLUMNS}
        if any(record.values()):
            out.append((number, record))
        if len(out) > MAX_ROWS:
            raise PriorListError(f"一次最多导入 {MAX_ROWS} 行。")
    workbook.close()
    return out


def parse_row(record: dict) -> tuple[PriorRecognition | None, list[str]]:
    problems = []
    year_text = record.get("认定年度", "").removesuffix("年").removesuffix(".0")
    year = int(year_text) if year_text.isdigit() else None
    if year is None or not 2000 <= year <= 2100:
        problems.append(f"认定年度“{record.get('认定年度', '')}”应为四位年份，如 2024。")
    code = normalize(record.get("统一社会信用代码"))
    if credit_code_problem(code):
        problems.append(f"统一社会信用代码“{record.get('统一社会信用代码', '')}”无效（应为18位，校验位正确）。")
    if not record.get("企业名称"):
        problems.append("请填写企业名称。")
    app_type = TYPES.get(record.get("标杆类型", ""))
    if app_type is None:
        problems.append(f"标杆类型“{record.get('标杆类型', '')}”应为“标杆企业”或“标杆车间”。")
    workshop = record.get("车间名称", "") if app_type is ApplicationType.WORKSHOP else ""
    if app_type is ApplicationType.WORKSHOP and not workshop:
        problems.append("标杆车间须填写车间名称。")
    if problems:
        return None, problems
    return PriorRecognition(year=year, credit_code=code, company_name=record["企业名称"][:200], app_type=app_type,
                            workshop_name=workshop[:200], document_no=record.get("认定文号", "")[:60]), []


def _exists(row: PriorRecognition) -> bool:
    return db.session.execute(db.select(PriorRecognition.id).filter_by(
        year=row.year, credit_code=row.credit_code, app_type=row.app_type,
        workshop_name=row.workshop_name)).first() is not None


def import_prior(data: bytes, name: str, actor: User) -> PriorImportResult:
    """Check the file and every row; add the new lines only when no row has a problem. The caller commits."""
    check_file(data, name)
    result, parsed, seen = PriorImportResult(), [], set()
    for number, record in read_rows(data):
        row, problems = parse_row(record)
        if problems:
            result.errors.append(f"第{number}行（{record.get('企业名称') or '未填企业名称'}）：{' '.join(problems)}")
            continue
        key = (row.year, row.credit_code, row.app_type, row.workshop_name)
        if key in seen or _exists(row):
            result.kept += 1
            continue
        seen.add(key)
        parsed.append(row)
    if not parsed and not result.kept and not result.errors:
        result.errors.append("文件中没有认定名单数据。")
    if result.errors:
        return result
    for row in parsed:
        row.imported_by_id = actor.id
        db.session.add(row)
    result.added = len(parsed)
    audit.record("recognition.import_prior", actor=actor, object_type="prior_recognition",
                 detail={"file": name, "added": result.added, "kept": result.kept,
                         "years": sorted({row.year for row in parsed})})
    return result
