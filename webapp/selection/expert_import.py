"""Importing the 专家库 from an Excel list (the template's columns, by header name): all rows or none.

An expert already in the pool (same 姓名 and 手机) is updated; others are added. Every problem is reported with its
row number, and nothing is imported while any row has one.
"""
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from webapp.applications.upload_checks import ContentRefused, check_office_container
from webapp.core.extensions import db
from webapp.models import Prefecture, User
from webapp.selection.experts import (
    ExpertError, ExpertValues, check_values, find_by_contact, normalize_code, save_expert,
)

COLUMNS = ["姓名", "工作单位", "工作单位统一社会信用代码", "所在市州", "职称", "专业领域（环节，顿号分隔）", "手机",
           "电子邮箱", "状态（在库/停用）"]
REQUIRED = {"姓名", "工作单位", "所在市州"}
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""


def _header_key(value) -> str:
    """The template's column a header names (its words before any bracket are enough)."""
    text = _text(value)
    stem = text.split("(")[0]
    return next((column for column in COLUMNS if stem and _text(column).startswith(stem)), text)


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """(row number, {column: text}) of the first sheet; ExpertError when the file is not a usable workbook."""
    if len(data) > MAX_BYTES:
        raise ExpertError("文件超过 5 MB，请拆分后导入。")
    try:
        check_office_container(io.BytesIO(data))        # a zip bomb or a DTD is refused before openpyxl opens it
    except ContentRefused as refused:
        raise ExpertError(str(refused)) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ExpertError("无法读取该文件：请使用 Excel（.xlsx）格式，可先下载导入模板。") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_header_key(value) for value in next(rows, [])]
    missing = REQUIRED - set(header)
    if missing:
        raise ExpertError(f"第1行应为表头，缺少列：{'、'.join(sorted(missing))}。请使用导入模板。")
    out = []
    for number, values in enumerate(rows, start=2):
        record = {name: _text(value) for name, value in zip(header, values) if name}
        if any(record.values()):
            out.append((number, record))
        if len(out) > MAX_ROWS:
            raise ExpertError(f"一次最多导入 {MAX_ROWS} 位专家。")
    workbook.close()
    return out


def _values(record: dict, prefecture_codes: dict[str, str]) -> ExpertValues:
    name_of_prefecture = record.get("所在市州", "")
    adcode = next((code for name, code in prefecture_codes.items() if name_of_prefecture and
                   (name == name_of_prefecture or name.startswith(name_of_prefecture))), "")
    fields = [item.strip() for item in record.get("专业领域（环节，顿号分隔）", "").replace("，", "、").replace(",", "、")
              .split("、") if item.strip()]
    state = record.get("状态（在库/停用）", "")
    return ExpertValues(
        name=record.get("姓名", ""), employer=record.get("工作单位", ""),
        employer_credit_code=normalize_code(record.get("工作单位统一社会信用代码")), prefecture_adcode=adcode,
        title=record.get("职称", "")[:50], fields=fields, phone=record.get("手机", "").replace(" ", ""),
        email=record.get("电子邮箱", ""), active=state not in ("停用", "否", "0"))


def import_experts(data: bytes, actor: User) -> ImportResult:
    result = ImportResult()
    prefecture_codes = {p.name: p.adcode for p in db.session.execute(db.select(Prefecture)).scalars()}
    parsed = []
    for number, record in read_rows(data):
        try:
            values = _values(record, prefecture_codes)
        except ExpertError as exc:
            result.errors.append(f"第{number}行：{exc}")
            continue
        problems = check_values(values)
        if not values.prefecture_adcode and record.get("所在市州"):
            problems = [p for p in problems if p != "请选择所在市州。"] + [f"所在市州“{record['所在市州']}”不是湖南省的市州。"]
        if problems:
            result.errors.append(f"第{number}行（{values.name or '未填姓名'}）：{' '.join(problems)}")
        parsed.append(values)
    if not parsed and not result.errors:
        result.errors.append("文件中没有专家数据。")
    if result.errors:
        return result
    for values in parsed:
        existing = find_by_contact(values.name, values.phone) if values.phone else None
        save_expert(existing, values, actor)
        if existing is None:
            result.created += 1
        else:
            result.updated += 1
    return result
