"""Fonts, paragraph styles and the page of the 申报书 template.

Fonts as official documents use them (see documents/fonts.py for their fallbacks): 方正小标宋简体 for the title,
黑体 for first-level headings, 楷体_GB2312 for second-level headings and guidance, 仿宋_GB2312 for the body, 宋体 in
tables; Latin text in Times New Roman. Every check mark has its own run in one symbol font.
"""
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from webapp.documents import fonts

PAGE = {"width": 21.0, "height": 29.7, "top": 2.54, "bottom": 2.54, "left": 3.17, "right": 3.17}
TEXT_WIDTH_CM = PAGE["width"] - PAGE["left"] - PAGE["right"]          # 14.66
TITLE, HEI, KAI, FANG, SONG, LATIN, MARK = (fonts.TITLE.name, fonts.HEADING.name, fonts.GUIDE.name, fonts.BODY.name,
                                            fonts.TABLE.name, fonts.LATIN.name, fonts.MARKS.name)
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)


def set_fonts(rpr_owner, east_asia: str, latin: str = LATIN, hint: str | None = None) -> None:
    """Name the fonts explicitly (theme fonts would win over them) and set eastAsia for Word and WPS."""
    rpr = rpr_owner.get_or_add_rPr()
    run_fonts = rpr.get_or_add_rFonts()
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        run_fonts.attrib.pop(qn(f"w:{theme}"), None)
    for attr, name in (("ascii", latin), ("hAnsi", latin), ("cs", latin), ("eastAsia", east_asia)):
        run_fonts.set(qn(f"w:{attr}"), name)
    if hint:
        run_fonts.set(qn("w:hint"), hint)


def set_mark_font(run) -> None:
    """A check mark (□ or ☑): one symbol font in every slot, so that Word, WPS and LibreOffice draw all marks alike."""
    set_fonts(run._r, MARK, MARK, hint="eastAsia")


def _defaults(doc) -> None:
    """Explicit fonts and Chinese (zh-CN) as the East Asian language of every run; no space after paragraphs."""
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    run_fonts = rpr_default.find(qn("w:rFonts"))
    run_fonts.attrib.clear()
    for attr, name in (("ascii", LATIN), ("hAnsi", LATIN), ("cs", LATIN), ("eastAsia", SONG)):
        run_fonts.set(qn(f"w:{attr}"), name)
    lang = rpr_default.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr_default.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def _style(doc, style_id: str, *, size: float, east_asia: str = SONG, bold: bool = False,
           align=None, first_line_chars: int = 0, line: float = 1.0, before: float = 0, after: float = 0):
    """A paragraph style with a Chinese name (shown in Word) and an ASCII id."""
    style = doc.styles.add_style(STYLE_NAMES[style_id], 1)
    style.element.styleId = style_id
    style.base_style = doc.styles["Normal"]
    _format_style(style, size=size, east_asia=east_asia, bold=bold, align=align, line=line, before=before,
                  after=after)
    if first_line_chars:
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        ind.set(qn("w:firstLine"), str(int(first_line_chars * size * 20)))
    return style


def _format_style(style, *, size, east_asia, bold=False, align=None, line=1.0, before=0.0, after=0.0):
    set_fonts(style.element, east_asia)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = line
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)


STYLE_NAMES = {"FormCover": "封面文字", "FormBody": "申报书正文", "FormItem": "申报书条目", "FormGuide": "填写说明",
               "FormExample": "填写示例", "FormCell": "表格文字", "FormPicture": "配图", "FormFooter": "页脚文字",
               "FootnoteText": "footnote text", "Heading1": "Heading 1", "Heading2": "Heading 2",
               "Heading3": "Heading 3"}
# Headings: 一、 in 黑体; （一） in 楷体 bold; 场景 and the proof files of 八 in 仿宋 bold (as GB/T 9704 orders them).
HEADINGS = (("Heading 1", 16, HEI, False, 12, 6), ("Heading 2", 14, KAI, True, 8, 4), ("Heading 3", 12, FANG, True, 6, 2))


def define_styles(doc) -> None:
    _defaults(doc)
    normal = doc.styles["Normal"]
    set_fonts(normal.element, FANG)
    normal.font.size = Pt(12)
    for name, size, east_asia, bold, before, after in HEADINGS:
        style = doc.styles[name]
        _format_style(style, size=size, east_asia=east_asia, bold=bold, line=1.5, before=before, after=after)
        style.paragraph_format.keep_with_next = True
    _style(doc, "FormCover", size=16, east_asia=FANG, line=1.2)
    _style(doc, "FormBody", size=12, east_asia=FANG, align=JUSTIFY, first_line_chars=2, line=1.5)
    _style(doc, "FormItem", size=12, east_asia=FANG, align=JUSTIFY, first_line_chars=2, line=1.5)
    _style(doc, "FormGuide", size=12, east_asia=KAI, align=JUSTIFY, line=1.5)
    _style(doc, "FormExample", size=12, east_asia=KAI, align=JUSTIFY, first_line_chars=2, line=1.5)
    _style(doc, "FormCell", size=10.5, line=1.15)
    _style(doc, "FormPicture", size=12, align=CENTER, before=3, after=3)
    _style(doc, "FormFooter", size=9, align=CENTER)
    _style(doc, "FootnoteText", size=9, align=JUSTIFY)
    _footnote_reference_style(doc)
    for name in ("Header", "Footer"):
        set_fonts(doc.styles[name].element, SONG)


def _footnote_reference_style(doc) -> None:
    """The character style of footnote marks: superscript, as Word's own "footnote reference"."""
    style = doc.styles.add_style("footnote reference", 2)
    style.element.styleId = "FootnoteReference"
    style.font.superscript = True
