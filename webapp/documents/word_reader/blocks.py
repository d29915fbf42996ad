"""The body of a Word file as a flat list of paragraphs and tables, read from the XML (python-docx opens the package).

Read the way a person sees the file: content controls, custom XML and tracked insertions are looked through (their text
counts), deleted text does not, text boxes and the fallback copies of drawings are left out. A check box drawn with a
symbol font (Word's 插入符号 with Wingdings), a content-control check box or a legacy form check box reads as ☑ or □.
Every picture of a paragraph is kept with the part that holds its bytes.
"""
from dataclasses import dataclass, field

from docx.oxml.ns import qn
from lxml import etree

from webapp.documents.word_reader.parsed import Picture

NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "v": "urn:schemas-microsoft-com:vml",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
CHECKED, UNCHECKED = "☑", "□"
# Check boxes of the Wingdings fonts by character code (Word's 插入符号).
SYMBOLS = {"F0FE": CHECKED, "F052": CHECKED, "F054": CHECKED, "F0FD": CHECKED, "F0FC": CHECKED, "F050": CHECKED,
           "F0A8": UNCHECKED, "F0A3": UNCHECKED, "F06F": UNCHECKED, "F071": UNCHECKED, "F0A1": UNCHECKED}
_OUTSIDE = ("[not(ancestor::w:txbxContent)][not(ancestor::mc:Fallback)][not(ancestor::w:del)]"
            "[not(ancestor::w:moveFrom)]")
_PIECES = etree.XPath(".//*[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:sym or self::w:noBreakHyphen"
                      " or self::w:checkBox][parent::w:r or parent::w:ffData]" + _OUTSIDE, namespaces=NS)
_IMAGES = etree.XPath(".//a:blip/@r:embed" + " | .//v:imagedata/@r:id", namespaces=NS)
_DOC_PR = etree.XPath(".//wp:docPr", namespaces=NS)
_W = "{%s}" % NS["w"]
_CONTAINERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins"), qn("w:smartTag")}


@dataclass
class Para:
    text: str
    style: str = ""             # the style's name, lower case ("heading 2", "formitem")
    level: int | None = None    # heading level from the style or the paragraph's outline level
    pictures: list[Picture] = field(default_factory=list)


@dataclass
class Cell:
    paras: list[Para]
    continued: bool = False     # the lower part of a vertically merged cell
    column: int = 0             # the first column of the table's grid it covers
    span: int = 1               # how many grid columns it covers (a horizontally merged cell more than one)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paras)


@dataclass
class Table:
    rows: list[list[Cell]]


class Reader:
    """Walks the body of an opened python-docx Document."""

    def __init__(self, document):
        self.document = document
        self.part = document.part
        self.styles = _style_info(document)

    def body(self) -> list[Para | Table]:
        return self._blocks(self.document.element.body)

    def _blocks(self, parent) -> list[Para | Table]:
        blocks = []
        for child in _children(parent):
            if child.tag == qn("w:p"):
                blocks.append(self.paragraph(child))
            elif child.tag == qn("w:tbl"):
                blocks.append(self.table(child))
        return blocks

    def table(self, tbl) -> Table:
        rows = []
        for tr in (c for c in _children(tbl) if c.tag == qn("w:tr")):
            column, cells = _grid_value(tr.find(f"{_W}trPr/{_W}gridBefore")), []
            for tc in (c for c in _children(tr) if c.tag == qn("w:tc")):
                cell = self.cell(tc)
                cell.column, cell.span = column, max(1, _grid_value(tc.find(f"{_W}tcPr/{_W}gridSpan")))
                column += cell.span
                cells.append(cell)
            rows.append(cells)
        return Table(rows)

    def cell(self, tc) -> Cell:
        paras = []
        for block in self._blocks(tc):      # a table inside a cell adds its paragraphs to the cell
            paras.extend([block] if isinstance(block, Para) else
                         [p for row in block.rows for c in row for p in c.paras])
        merge = tc.find(f"{_W}tcPr/{_W}vMerge")
        return Cell(paras, merge is not None and merge.get(qn("w:val"), "continue") == "continue")

    def paragraph(self, p) -> Para:
        style_id = p.find(f"{_W}pPr/{_W}pStyle")
        name, level = self.styles.get(style_id.get(qn("w:val")) if style_id is not None else None, ("", None))
        outline = p.find(f"{_W}pPr/{_W}outlineLvl")
        if outline is not None and outline.get(qn("w:val"), "").isdigit() and int(outline.get(qn("w:val"))) < 9:
            level = int(outline.get(qn("w:val"))) + 1
        return Para(paragraph_text(p), name, level, self._pictures(p))

    def _pictures(self, p) -> list[Picture]:
        pictures = []
        names = [d.get("descr") or d.get("name") or "" for d in _DOC_PR(p)]
        for index, rid in enumerate(_IMAGES(p)):
            part = self.part.related_parts.get(rid)
            if part is None or not hasattr(part, "blob"):
                continue
            pictures.append(Picture(names[index] if index < len(names) else "", part.blob,
                                    getattr(part, "content_type", "")))
        return pictures


def paragraph_text(p) -> str:
    pieces = []
    for element in _PIECES(p):
        tag = element.tag
        if tag == qn("w:t"):
            pieces.append(element.text or "")
        elif tag == qn("w:tab"):
            pieces.append("\t")
        elif tag in (qn("w:br"), qn("w:cr")):
            if element.get(qn("w:type")) not in ("page", "column"):
                pieces.append("\n")
        elif tag == qn("w:noBreakHyphen"):
            pieces.append("-")
        elif tag == qn("w:sym"):
            pieces.append(SYMBOLS.get((element.get(qn("w:char")) or "").upper(), ""))
        elif tag == qn("w:checkBox"):
            pieces.append(CHECKED if _legacy_checked(element) else UNCHECKED)
    return "".join(pieces)


def _grid_value(element) -> int:
    value = element.get(qn("w:val"), "") if element is not None else ""
    return int(value) if value.isdigit() else 0


def _legacy_checked(box) -> bool:
    for name in ("w:checked", "w:default"):
        element = box.find(qn(name))
        if element is not None:
            return element.get(qn("w:val"), "1") not in ("0", "false")
    return False


def _children(parent):
    """Child elements, looking through content controls, custom XML and tracked insertions."""
    for child in parent:
        if child.tag in _CONTAINERS:
            yield from _children(child)
        else:
            yield child


def _style_info(document) -> dict[str, tuple[str, int | None]]:
    """Style id → (name in lower case, heading level or None), following each style's base styles."""
    raw = {}
    for style in document.styles.element.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        based = style.find(qn("w:basedOn"))
        outline = style.find(f"{_W}pPr/{_W}outlineLvl")
        raw[style.get(qn("w:styleId"))] = (
            (name.get(qn("w:val")) if name is not None else "").lower(),
            based.get(qn("w:val")) if based is not None else None,
            int(outline.get(qn("w:val"))) + 1 if outline is not None and outline.get(qn("w:val"), "").isdigit()
            else None)
    return {style_id: (raw[style_id][0], _level(raw, style_id)) for style_id in raw}


def _level(raw: dict, style_id: str) -> int | None:
    seen = set()
    while style_id in raw and style_id not in seen:
        seen.add(style_id)
        name, based, outline = raw[style_id]
        for prefix in ("heading ", "标题 "):
            if name.startswith(prefix) and name[len(prefix):].strip().isdigit():
                return int(name[len(prefix):])
        if outline is not None and outline < 10:
            return outline
        style_id = based
    return None
