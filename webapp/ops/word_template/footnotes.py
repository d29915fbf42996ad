"""The five footnotes of 附件2, as Word footnotes (numbered ①…⑤ at the foot of the page, as the form has them).

python-docx has no footnotes API: the part (word/footnotes.xml with the separator notes Word requires), its
relationship, the settings that name the separators, and the reference runs are written here.
"""
from xml.sax.saxutils import escape

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

# Wording as in 附件2 (including its "报标杆"), in the order of their marks in the form.
INDUSTRY, WORKSHOP, COSTS, LINKS, EFFECTS = range(1, 6)
FOOTNOTES = {
    INDUSTRY: "所属行业：根据《国民经济行业分类与代码（GB/T 4754-2017）》选填行业大类代码及名称、中类代码及名称。"
              "如：35专用设备制造业，351采矿、冶金、建筑专用设备制造。",
    WORKSHOP: "申报智能制造标杆车间的企业需要填写智能制造车间名称、车间实施智能制造的总投入及车间近3年实施智能制造的总投入，"
              "申报智能制造标杆企业的不用填写。",
    COSTS: "对于申报智能制造报标杆企业的，设备费、工业软件费、测试验证和项目咨询费、人员费用指近3年企业的智能制造总投入构成；"
           "申报智能制造标杆车间的，指近3年所申报车间的智能制造总投入构成。",
    LINKS: "对照《智能制造典型场景参考指引》，选填已经开展智能制造实践的环节名称。标杆企业至少8个及以上环节，"
           "标杆车间至少4个及以上与申报车间相关的环节。",
    EFFECTS: "根据实际情况选择填写。",
}
NUMBER_FORMAT = "decimalEnclosedCircle"      # ① ② ③ …


def add_reference(para, number: int) -> None:
    """The footnote mark after the text of `para` (a python-docx paragraph)."""
    run = para.add_run()
    run.style = "footnote reference"
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), str(number))
    run._r.append(reference)


def add_footnotes(doc) -> None:
    """The footnotes part with the separators and the five notes; the settings and the section name the format."""
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, _footnotes_xml(), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    settings = doc.settings.element
    properties = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:numFmt w:val="{NUMBER_FORMAT}"/>'
                           '<w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
    settings.find(qn("w:compat")).addprevious(properties)
    section = doc.sections[0]._sectPr
    section_properties = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:numFmt w:val="{NUMBER_FORMAT}"/></w:footnotePr>')
    references = section.findall(qn("w:headerReference")) + section.findall(qn("w:footerReference"))
    if references:
        references[-1].addnext(section_properties)
    else:
        section.insert(0, section_properties)


def _footnotes_xml() -> bytes:
    separators = "".join(
        f'<w:footnote w:type="{kind}" w:id="{number}"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        f'w:lineRule="auto"/></w:pPr><w:r><w:{kind}/></w:r></w:p></w:footnote>'
        for number, kind in ((-1, "separator"), (0, "continuationSeparator")))
    notes = "".join(
        f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
        for number, text in FOOTNOTES.items())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w")}>'
            f"{separators}{notes}</w:footnotes>").encode("utf-8")
