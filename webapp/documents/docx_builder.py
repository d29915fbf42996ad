"""The 申报书 (附件2) as a Word file, rendered with docxtpl from templates/shenbaoshu.docx.

Pure: no Flask request, no storage paths. The caller turns an application into a context once
(`application_context`), may store it (it is plain JSON data), and renders it (`render_docx`), passing a
callable that returns the bytes of a picture:

    context = application_context(application, generated_at=utcnow(), draft=True)
    data = render_docx(context, open_attachment=lambda picture: storage.read(picture["stored_name"]))

Every picture is a dict {"id", "name", "stored_name", "sha256", "content_type"} of an Attachment of category
SOLUTION_PICTURE. A picture that cannot be read is replaced by a short note; it never stops the document.

User text is cleaned here (XML-illegal control characters removed, line ends normalised) and escaped by
Jinja (autoescape). A line break in a long text starts a new paragraph in the Word file.

The context holds the content as entered (numbers as "268671.5"): how it prints (amounts with two decimals and
separators, percentages, smaller type for a value too long for its cell) is the template's, through the filters
of docx_format, so that a change of layout never changes the fingerprint of unchanged content. `draft` is the only
difference between the print of a draft (草稿 in the footer) and of a final version. Each file gets its own
properties (`_describe`): made by the system at the generation time, titled after the application.
"""
import hashlib
import io
import json
import logging
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timezone
from functools import cache, lru_cache
from pathlib import Path

from docx.image.image import Image
from docx.opc.pkgwriter import PackageWriter
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment

from webapp.core.timeutil import CHINA, utcnow
from webapp.documents import docx_format as fmt
from webapp.core.numbers import chinese_number, plain_decimal as number
from webapp.documents.docx_format import box, count, date_text, local_time
from webapp.models import Application, ApplicationType, AttachmentCategory, EnterpriseNature, ListKind
from webapp.core.text_safety import strip_invisible

log = logging.getLogger(__name__)

TEMPLATE_PATH = Path(__file__).resolve().parent / "templates" / "shenbaoshu.docx"
MAX_PICTURE_WIDTH = Cm(14.66)     # the text width of the template's page
MAX_PICTURE_HEIGHT = Cm(16)
BLANK_DATE = "　　年　　月　　日"
SYSTEM_NAME = "湖南省智能制造标杆申报系统"
# Keys of the context that describe the file rather than the content: left out of the fingerprint, and so are
# 申报日期 (set at submission) and the list of uploaded proof files (the stamped scan comes after printing), so
# that a stamped print of a draft carries the same fingerprint as the data submitted with it.
NOT_FINGERPRINTED = {"blank", "draft", "version", "generated_at", "fingerprint", "declared_on", "attachments"}

_LISTING = re.compile("[\t\n\a\f]")
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|]+')


# ---------------------------------------------------------------- public API

def application_context(application: Application, *, generated_at: datetime, draft: bool,
                        version: int | None = None, declared_on: date | None = None) -> dict:
    """Everything the template shows, as plain JSON data (strings, booleans, lists, dicts).

    `generated_at` is naive UTC (as stored by the app) or aware; it is printed in Beijing time. `version` and
    `declared_on` are the version number and 申报日期 the file carries (default: the application's); the 盖章版 is
    given the version it will be submitted as and the day it was generated.
    """
    context = _content(application, application.campaign.economic_years if application.campaign else None)
    if declared_on is not None:
        context["declared_on"] = date_text(declared_on, BLANK_DATE)
    context.update(blank=False, draft=bool(draft),
                   version=(application.version or 0) if version is None else version,
                   generated_at=local_time(generated_at))
    context["fingerprint"] = fingerprint(context)
    return context


def blank_context(economic_years: list[int] | None = None) -> dict:
    """The empty form for offline drafting, as 附件2 prints it (the template writes its 环节 with hints and 示例)."""
    context = _content(Application(), economic_years)
    context.update(blank=True, draft=False, version=0, generated_at="", fingerprint="", links=[],
                   integration_ordinal="…", functions=["", ""], key_problems=["", ""], key_technologies=["", ""])
    return context


def fingerprint(context: dict) -> str:
    """First 12 hex digits of the SHA-256 of the canonical JSON of the content (see NOT_FINGERPRINTED).

    A picture counts by its name and content (sha256), not by where or under which id it is stored.
    """
    content = {key: value for key, value in context.items() if key not in NOT_FINGERPRINTED}
    content["links"] = [{**link, "scenarios": [
        {**s, "pictures": [{"name": p["name"], "sha256": p["sha256"]} for p in s["pictures"]]}
        for s in link["scenarios"]]} for link in context.get("links", [])]
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def render_docx(context: dict, open_attachment: Callable[[dict], bytes]) -> bytes:
    """The .docx file of a context made by `application_context` or `blank_context`."""
    template = _Template(io.BytesIO(word_template()))
    images = {picture["id"]: _inline_image(template, picture, open_attachment)
              for link in context["links"] for scenario in link["scenarios"] for picture in scenario["pictures"]}
    template.render({**context, "images": images}, jinja_env=_jinja_env(), autoescape=True)
    _describe(template.docx.core_properties, context)
    return _package_bytes(template.docx.part.package)


def render_blank(economic_years: list[int] | None = None) -> bytes:
    return render_docx(blank_context(economic_years), _no_pictures)


def docx_filename(application: Application) -> str:
    """湖南省智能制造标杆申报书-<企业名称>.docx, without characters that file systems refuse."""
    return docx_filename_of(application.applicant_name)


def docx_filename_of(company: str) -> str:
    """docx_filename for the 企业名称 `company`."""
    name = " ".join(_UNSAFE_FILENAME.sub("", clean_text(company)).split()).strip(". ")[:80]
    return f"湖南省智能制造标杆申报书-{name}.docx" if name else "湖南省智能制造标杆申报书.docx"


def clean_text(value) -> str:
    """A value as text that XML accepts: control characters (except tab and line feed) removed, lines normalised."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = strip_invisible(_ILLEGAL_XML.sub("", text))      # no hidden direction marks in Word or Excel
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# ---------------------------------------------------------------- rendering helpers

def _describe(props, context: dict) -> None:
    """The file's own properties: made by the system at the generation time, titled after the application."""
    if context.get("generated_at"):     # Beijing time, to the minute, as the footer prints it
        local = datetime.strptime(context["generated_at"], "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)
        generated = local.astimezone(timezone.utc).replace(tzinfo=None)
    else:                               # the blank form: made now
        generated = utcnow().replace(second=0, microsecond=0)
    company = context.get("company_name") or ""
    props.title = "湖南省智能制造标杆申报书" + (f"-{company}" if company else "（空白表）" if context["blank"] else "")
    props.subject = context.get("project_name") or ""
    props.author = props.last_modified_by = SYSTEM_NAME
    props.created = props.modified = generated
    props.revision = max(1, int(context.get("version") or 0))
    props.comments = ("" if context["blank"] else f"{'草稿 · ' if context['draft'] else ''}版本 {context['version']} · "
                      f"校验码 {context['fingerprint']}")
    props.language = "zh-CN"


@cache
def word_template() -> bytes:
    """The 申报书's Word template, read once per process (create_app reads it: see there)."""
    return TEMPLATE_PATH.read_bytes()


class _Template(DocxTemplate):
    """docxtpl's template, with its clean-up of the template XML done once per process, not per document."""

    def patch_xml(self, src_xml):
        return _patched_xml(src_xml)

    def resolve_listing(self, xml):
        """docxtpl's handling of line feed, \\a, tab and \\f, applied only to the paragraphs holding one of them."""
        paragraphs = xml.split("</w:p>")
        return "</w:p>".join(super(_Template, self).resolve_listing(p + "</w:p>")[:-6] if _LISTING.search(p) else p
                             for p in paragraphs)


@lru_cache(maxsize=16)
def _patched_xml(src_xml: str) -> str:
    return DocxTemplate.patch_xml(_PATCHER, src_xml)


_PATCHER = DocxTemplate.__new__(DocxTemplate)   # patch_xml uses no state of its instance


class _CompilingOnceEnvironment(Environment):
    """Compiles each template source once: the XML of the template is the same for every document."""

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        return self._compiled(source)

    @lru_cache(maxsize=32)  # noqa: B019 — one environment for the whole process (see _jinja_env)
    def _compiled(self, source):
        return super().from_string(source)


@cache
def _jinja_env() -> Environment:
    env = _CompilingOnceEnvironment(autoescape=True)
    # docxtpl turns "\a" in a run into a new paragraph with the same paragraph and run properties.
    env.filters["paras"] = lambda text: str(text).replace("\n", "\a")
    env.filters.update(amount=fmt.amount, percent=fmt.percent, fits=fmt.fits)
    return env


class _ZipWriter:
    """The zip writer python-docx's PackageWriter expects, storing pictures (already compressed) as they are."""

    def __init__(self, stream):
        self.zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        media = pack_uri.membername.startswith("word/media/")
        self.zip.writestr(pack_uri.membername, blob, compress_type=zipfile.ZIP_STORED if media else None)

    def close(self) -> None:
        self.zip.close()


def _package_bytes(package) -> bytes:
    """What python-docx's package.save() writes, minus deflating the pictures a second time (the slow part)."""
    for part in package.parts:
        part.before_marshal()
    out = io.BytesIO()
    writer = _ZipWriter(out)
    PackageWriter._write_content_types_stream(writer, package.parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, package.parts)
    writer.close()
    return out.getvalue()


def _no_pictures(_picture: dict) -> bytes:
    raise FileNotFoundError("the blank form has no pictures")


def _inline_image(template: DocxTemplate, picture: dict, open_attachment):
    """An InlineImage fitted into the text width (never enlarged), or a note when the file cannot be used."""
    try:
        blob = open_attachment(picture)
        image = Image.from_blob(blob)
    except Exception:  # noqa: BLE001 — a missing or broken picture must not stop the document
        log.warning("picture %s (%s) cannot be placed in the Word file", picture.get("id"), picture.get("name"))
        return f"〔配图“{picture.get('name', '')}”无法显示〕"
    scale = min(1.0, MAX_PICTURE_WIDTH / max(image.width, 1), MAX_PICTURE_HEIGHT / max(image.height, 1))
    return InlineImage(template, io.BytesIO(blob), width=int(image.width * scale), height=int(image.height * scale))


# ---------------------------------------------------------------- the content, part by part

SCENARIO_TEXTS = ("name", "description", "pain_points", "solution", "safeguards", "results", "other")
HONOURS = ("national_pilot", "national_demo_factory", "national_standard_project", "hunan_demo_enterprise",
           "hunan_demo_workshop", "integration_certified", "maturity_certified")
EFFECTS = ("cnc_rate", "network_rate", "productivity", "resource_use", "rd_cycle", "operating_cost", "defect_rate",
           "staff_optimised", "equipment_use", "inventory_turnover", "on_time_delivery", "order_cycle",
           "logistics_cost", "land_use")
TEXTS = ("profile", "support_institutions", "partners", "overview_company", "overview_technology",
         "overview_advantages", "integration", "outcomes", "influence", "advancement", "demonstration", "next_steps",
         "lessons", "pledge_legal_rep", "address", "org_code", "project_name")


def _content(application: Application, economic_years: list[int] | None) -> dict:
    a = application
    context = {key: clean_text(getattr(a, key)) for key in TEXTS}
    context.update(**_cover(a), **_enterprise(a), economy=_economy(a, economic_years), honours=_honours(a),
                   accident={"yes": box(a.major_accident is True), "no": box(a.major_accident is False)},
                   staff={key: count(getattr(a, f"staff_{key}"))
                          for key in ("total", "senior", "intermediate", "junior", "other")})
    context.update(**_investment(a), **_links(a), effects={key: number(getattr(a, f"eff_{key}")) for key in EFFECTS},
                   effects_other=clean_text(a.eff_other), attachments=_attachments(a),
                   functions=_items(a, ListKind.FUNCTION), key_problems=_items(a, ListKind.KEY_PROBLEM),
                   key_technologies=_items(a, ListKind.KEY_TECHNOLOGY))
    return context


def _cover(a: Application) -> dict:
    company = a.applicant_name
    return {"company_name": clean_text(company),
            "app_type": a.app_type.value if a.app_type else "",
            "is_workshop": a.app_type is ApplicationType.WORKSHOP,
            "type_box": {"enterprise": box(a.app_type is ApplicationType.ENTERPRISE),
                         "workshop": box(a.app_type is ApplicationType.WORKSHOP)},
            "declared_on": date_text(a.declared_on, BLANK_DATE)}


def _person(a: Application, prefix: str) -> dict:
    return {key: clean_text(getattr(a, f"{prefix}_{key}")) for key in ("name", "title", "mobile", "email")}


def _enterprise(a: Application) -> dict:
    return {"founded_on": date_text(a.founded_on),
            "nature": {nature.name.lower(): box(a.nature is nature) for nature in EnterpriseNature},
            "nature_other": clean_text(a.nature_other) if a.nature is EnterpriseNature.OTHER else "",
            "industry_division": clean_text(a.industry_division.label) if a.industry_division else "",
            "industry_group": clean_text(a.industry_group.label) if a.industry_group else "",
            "legal_rep": _person(a, "legal_rep"), "contact": _person(a, "contact")}


def _economy(a: Application, years: list[int] | None) -> dict:
    """Columns are the campaign's three years; a year without a row stays empty."""
    rows = {row.year: row for row in a.economic_years}
    years = years or [None, None, None]
    economy = {"years": [f"{year}年" if year else "　　年" for year in years],
               "span": f"{years[0]}-{years[-1]}年" if years[0] else "　　-　　年"}
    for key in ("total_assets", "debt_ratio", "revenue", "taxes", "profit"):
        economy[key] = [number(getattr(rows[year], key)) if year in rows else "" for year in years]
    return economy


def _honours(a: Application) -> dict:
    honours = {key: box(getattr(a, f"honour_{key}")) for key in HONOURS}
    honours["maturity_level"] = count(a.maturity_level) if a.honour_maturity_certified else ""
    honours["other"] = box(a.honour_other)
    honours["other_text"] = clean_text(a.honour_other_text) if a.honour_other else ""
    return honours


def _investment(a: Application) -> dict:
    workshop = a.app_type is ApplicationType.WORKSHOP
    return {"invest": {"total": number(a.invest_total), "three_years": number(a.invest_3y),
                       "equipment": number(a.cost_equipment), "software": number(a.cost_software),
                       "testing": number(a.cost_testing), "personnel": number(a.cost_personnel),
                       "domestic_share": number(a.domestic_share), "provincial_share": number(a.provincial_share)},
            "workshop": {"name": clean_text(a.workshop_name) if workshop else "",
                         "total": number(a.workshop_invest_total) if workshop else "",
                         "three_years": number(a.workshop_invest_3y) if workshop else ""}}


def _items(a: Application, kind: ListKind) -> list[str]:
    return [text for text in (clean_text(item.text) for item in a.items(kind)) if text]


def _links(a: Application) -> dict:
    links = [{"position": index, "ordinal": chinese_number(index), "no": app_link.link.no,
              "name": clean_text(app_link.link.name),
              "scenarios": [_scenario(s, position) for position, s in enumerate(app_link.scenarios, start=1)]}
             for index, app_link in enumerate(a.links, start=1)]
    names = [f"{link['position']}.{link['name']}" for link in links] or [f"{n}." for n in range(1, 9)]
    names += [""] * (len(names) % 2)
    return {"links": links, "link_rows": [names[i:i + 2] for i in range(0, len(names), 2)],
            "integration_ordinal": chinese_number(len(links) + 1)}


def _scenario(s, position: int) -> dict:
    pictures = [{"id": p.id, "name": clean_text(p.original_name), "stored_name": p.stored_name, "sha256": p.sha256,
                 "content_type": p.content_type}
                for p in s.pictures if p.category is AttachmentCategory.SOLUTION_PICTURE]
    return {"position": position, "title": clean_text(s.scenario.name) if s.scenario else "自定义场景",
            "guide_no": s.scenario.no if s.scenario else None, "pictures": pictures,
            **{key: clean_text(getattr(s, key)) for key in SCENARIO_TEXTS}}


def _attachments(a: Application) -> dict:
    files = {category.value: [] for category in AttachmentCategory
             if category is not AttachmentCategory.SOLUTION_PICTURE}
    for attachment in a.attachments:
        if attachment.category.value in files and attachment.superseded_at is None:
            files[attachment.category.value].append(clean_text(attachment.original_name))
    return files
