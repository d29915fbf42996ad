"""Fonts, paragraph styles and the page of the 申报书 template."""
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

PAGE = {"width": 21.0, "height": 29.7, "top": 2.54, "bottom": 2.54, "left": 3.17, "right": 3.17}
TEXT_WIDTH_CM = PAGE["width"] - PAGE["left"] - PAGE["right"]          # 14.66
SONG, HEI, KAI, LATIN = "宋体", "黑体", "楷体", "Times New Roman"
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)


def set_fonts(rpr_owner, east_asia: str, latin: str = LATIN) -> None:
    """Name the fonts explicitly (theme fonts would win over them) and set eastAsia for Word and WPS."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for attr, name in (("ascii", latin), ("hAnsi", latin), ("cs", latin), ("eastAsia", east_asia)):
        fonts.set(qn(f"w:{attr}"), name)


def _defaults(doc) -> None:
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    fonts.attrib.clear()
    for attr, name in (("ascii", LATIN), ("hAnsi", LATIN), ("cs", LATIN), ("eastAsia", SONG)):
        fonts.set(qn(f"w:{attr}"), name)
    rpr_default.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
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
               "FormCell": "表格文字", "FormPicture": "配图", "FormFooter": "页脚文字",
               "Heading1": "Heading 1", "Heading2": "Heading 2", "Heading3": "Heading 3"}


def define_styles(doc) -> None:
    _defaults(doc)
    normal = doc.styles["Normal"]
    set_fonts(normal.element, SONG)
    normal.font.size = Pt(12)
    for name, size, before, after in (("Heading 1", 16, 12, 6), ("Heading 2", 14, 8, 4), ("Heading 3", 12, 6, 2)):
        style = doc.styles[name]
        _format_style(style, size=size, east_asia=HEI, bold=name == "Heading 3", line=1.5, before=before, after=after)
        style.paragraph_format.keep_with_next = True
    _style(doc, "FormCover", size=16, line=1.2)
    _style(doc, "FormBody", size=12, align=JUSTIFY, first_line_chars=2, line=1.5)
    _style(doc, "FormItem", size=12, align=JUSTIFY, first_line_chars=2, line=1.5)
    _style(doc, "FormGuide", size=12, east_asia=KAI, align=JUSTIFY, line=1.5)
    _style(doc, "FormCell", size=10.5, line=1.15)
    _style(doc, "FormPicture", size=12, align=CENTER, before=3, after=3)
    _style(doc, "FormFooter", size=9, align=CENTER)
    for name in ("Header", "Footer"):
        set_fonts(doc.styles[name].element, SONG)


