"""电子证书 (Word): A4 landscape with a double border, centred: the title, the enterprise, the recognition sentence,
the 文号, the issuer and date, and at the foot the certificate number, the verification code and a QR code of the
public verification address. Pure: data in, bytes out."""
import io
from dataclasses import dataclass
from datetime import date

import segno
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from webapp.documents import simple_docx as d

ISSUER = "湖南省工业和信息化厅"
BORDER_COLOUR = "A5282C"


@dataclass(frozen=True)
class CertificateData:
    number: str
    code: str                  # as shown (XXXXX-XXXXX)
    year: int
    type_label: str            # 标杆企业 / 标杆车间
    company_name: str
    workshop_name: str
    document_no: str
    document_date: date
    verify_url: str
    revoked: bool = False


def certificate_filename(data: CertificateData, extension: str = "docx") -> str:
    return f"{data.year}年湖南省智能制造{data.type_label}证书-{data.company_name}.{extension}"


def qr_png(url: str) -> bytes:
    """The QR code of `url` (error correction M, a quiet zone of 2 modules), as PNG."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()


def build_certificate(data: CertificateData) -> bytes:
    document = d.new_document(landscape=True)
    section = document.sections[0]
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(3)
    _page_border(section)
    d.paragraph(document, "证    书", size=42, font=d.TITLE_FONT, align="center", space_before=6, space_after=14)
    d.paragraph(document, f"{data.company_name}：", size=18, space_after=6)
    what = (f"贵单位{data.workshop_name}被认定为{data.year}年湖南省智能制造标杆车间。"
            if data.workshop_name else f"贵单位被认定为{data.year}年湖南省智能制造标杆企业。")
    d.paragraph(document, f"经企业自愿申报、市州审核推荐、专家评审和公示，{what}", size=18, indent=True)
    d.paragraph(document, "特发此证。", size=18, indent=True, space_after=6)
    d.paragraph(document, f"认定文号：{data.document_no}", size=14, align="center", space_before=8)
    d.paragraph(document, ISSUER, size=18, align="right", space_before=18)
    when = data.document_date
    d.paragraph(document, f"{when.year}年{when.month}月{when.day}日", size=16, align="right")
    _foot(document, data)
    return d.to_bytes(document)


def _foot(document, data: CertificateData) -> None:
    grid = document.add_table(rows=1, cols=2)
    grid.autofit = False
    text_cell, qr_cell = grid.rows[0].cells
    text_cell.width, qr_cell.width = Cm(19), Cm(4.5)
    lines = [f"证书编号：{data.number}", f"验证码：{data.code}", f"核验：扫描右侧二维码，或访问 {data.verify_url}"]
    if data.revoked:
        lines.append("本证书已撤销。")
    para = text_cell.paragraphs[0]
    para.paragraph_format.space_before = Pt(20)
    d.add_text(para, "\n".join(lines), size=11)
    picture = qr_cell.paragraphs[0]
    picture.alignment = 2                          # right
    picture.add_run().add_picture(io.BytesIO(qr_png(data.verify_url)), width=Cm(3.2))


def _page_border(section) -> None:
    """A double red line round the page (w:pgBorders, measured from the page edge)."""
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for side in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{side}")
        for key, value in (("val", "double"), ("sz", "18"), ("space", "24"), ("color", BORDER_COLOUR)):
            line.set(qn(f"w:{key}"), value)
        borders.append(line)
    properties = section._sectPr
    anchor = properties.find(qn("w:pgMar"))
    anchor.addnext(borders)
