"""The template file as committed: no leftovers of python-docx's default template, and the same bytes every build.

python-docx starts from a Word 2010 for Mac document. Left as it is, every generated file would open in Word as
"[兼容模式]" (compatibility mode 14), claim to be made by "Microsoft Macintosh Word" on 2024-01-01, carry Japanese
as the theme's East Asian language, a blank preview thumbnail, Word 2010's stylesWithEffects and an empty customXml
item, and a font table listing Japanese fonts. `clean_package` replaces all of that; the renderer sets the dates,
title and subject of each generated file (docx_builder).
"""
import io
import zipfile
from datetime import datetime
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from webapp.documents.fonts import font_table_xml

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "documents" / "templates" / "shenbaoshu.docx"
SYSTEM_NAME = "湖南省智能制造标杆申报系统"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           f"<Application>{SYSTEM_NAME}</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
           "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
           "<HyperlinksChanged>false</HyperlinksChanged></Properties>").encode("utf-8")


def clean_package(doc) -> None:
    _drop_relationships(doc.part.package.rels, RT.THUMBNAIL)
    _drop_relationships(doc.part.rels, RT.CUSTOM_XML, STYLES_WITH_EFFECTS)
    doc.part.part_related_by(RT.FONT_TABLE)._blob = font_table_xml()
    doc.part.package.part_related_by(RT.EXTENDED_PROPERTIES)._blob = APP_XML
    _settings(doc.settings.element)
    _properties(doc.core_properties)


def _drop_relationships(rels, *reltypes: str) -> None:
    for rel_id in [rel_id for rel_id, rel in rels.items() if rel.reltype in reltypes]:
        rels.pop(rel_id)


def _settings(settings) -> None:
    """Word 2013+ layout (compatibility mode 15), Chinese theme fonts, no preview picture, no editing session ids."""
    for setting in settings.find(qn("w:compat")).findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    for name in ("w:savePreviewPicture", "w:rsids"):
        for element in settings.findall(qn(name)):
            settings.remove(element)


def _properties(props) -> None:
    """Fixed values, so that the template builds to the same bytes; the renderer sets each file's own."""
    props.title = "湖南省智能制造标杆申报书"
    props.author = props.last_modified_by = SYSTEM_NAME
    props.subject = props.keywords = props.comments = ""
    props.language = "zh-CN"
    props.created = props.modified = datetime(2024, 1, 1)
    props.revision = 1


def stable_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
