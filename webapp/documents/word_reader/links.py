"""三、智能制造实施内容: 环节 blocks holding 场景 blocks, read by their headings and the seven item labels.

A 环节 starts at a heading "（一）环节1：生产作业" (or any heading-styled "（一）…", or a paragraph naming "环节N"), a
场景 at "场景1：智能在线检测" or, in the blank form that has no 场景 headings, at its first item; an item at its label
("2．具体场景描述", the number and the form's hint optional) and runs to the next item or heading. The form's 示例
paragraphs and hints, blank paragraphs and "……" are not content. Pictures of 采用的技术方案 belong to their 场景.
"""
import re

from webapp.documents.word_reader.blocks import Para, Table
from webapp.documents.word_reader.labels import (
    SCENARIO_ITEMS, clean, drop_ordinal, fold, guide_of, join_lines, strip_prefix,
)
from webapp.documents.word_reader.parsed import ParsedLink, ParsedScenario

ITEMS = [(re.sub(r"^\d+．", "", label), column, hint) for label, column, hint, _example in SCENARIO_ITEMS]
OWN_TITLE = "自定义场景"
_NUMBER = re.compile(r"^\s*[\d０-９]{1,2}\s*[．.、,，)）]?\s*")
_LINK_WORD = re.compile(r"^\s*环\s*节\s*[\d０-９一二三四五六七八九十]*\s*[：:。.、,，]?\s*")
_SCENARIO = re.compile(r"^\s*场\s*景\s*[\d０-９一二三四五六七八九十]*\s*[：:]\s*(.*)$", re.DOTALL)
_HINT = re.compile(r"^。?如[：:]")


def is_integration(para: Para) -> bool:
    return fold(drop_ordinal(para.text)[1]).startswith("协同集成情况")


def link_heading(para: Para) -> str | None:
    """The 环节 name of a heading ("" when it names none, e.g. the blank form's "环节1。如：生产作业"); None when the
    paragraph is not a 环节 heading."""
    ordinal, rest = drop_ordinal(para.text)
    named = _LINK_WORD.match(rest)
    if not (named or (ordinal and para.level is not None)) or is_integration(para):
        return None
    name = rest[named.end():] if named else rest
    return "" if _HINT.match(name) else clean(name)


def scenario_heading(text: str) -> str | None:
    match = _SCENARIO.match(text)
    return clean(match.group(1)) if match else None


def item_line(text: str) -> tuple[str, str] | None:
    """(column, the value's first line) of an item label line; None when the line is no item label."""
    number = _NUMBER.match(text)
    numbered = bool(number and number.group(0).strip())
    rest = text[number.end():] if numbered else text.lstrip()
    for label, column, hint in ITEMS:
        after = strip_prefix(rest, label)
        if after is None:
            continue
        if not numbered and not re.match(r"^\s*([：:（(。]|$)", after):
            return None                          # "其他方面…": ordinary text, not the item 其他
        for part in re.findall(r"（[^（）]*）|。如：[^（]*", hint):       # the form's hints, left in place
            stripped = strip_prefix(after, part)
            after = after if stripped is None else stripped
        return column, after.strip().lstrip("：:").strip()
    return None


def is_example(text: str) -> bool:
    return fold(text).startswith(("示例:", "示例："))


class LinkReader:
    """Reads the blocks of 三 (up to 协同集成情况) in order; each 场景 collects the lines of its items."""

    def __init__(self):
        self.links: list[ParsedLink] = []
        self.problems: list[str] = []
        self.link: ParsedLink | None = None
        self.scenario: ParsedScenario | None = None
        self.column: str | None = None
        self.items: dict[str, list[str]] = {}                               # the current 场景's lines by column
        self.collected: list[tuple[ParsedScenario, dict[str, list[str]]]] = []

    def read(self, blocks: list[Para | Table]) -> list[ParsedLink]:
        for block in blocks:
            if isinstance(block, Table):                # a table typed into an item: its rows as lines
                for row in block.rows:
                    self.text_line("\t".join(clean(c.text) for c in row), [])
            else:
                self.paragraph(block)
        for scenario, items in self.collected:
            scenario.values = {column: join_lines(lines) for column, lines in items.items()}
        for link in self.links:
            link.scenarios = [s for s in link.scenarios if not s.is_empty]
        return [link for link in self.links if link.name or link.scenarios]

    def paragraph(self, para: Para) -> None:
        name = link_heading(para)
        if name is not None:
            self.link, self.scenario, self.column = ParsedLink(name, clean(para.text)), None, None
            self.links.append(self.link)
            return
        title = scenario_heading(para.text)
        if title is not None:
            self.new_scenario(title)
            return
        item = item_line(para.text)
        if item is None:
            self.text_line(para.text, para.pictures)
            return
        column, first = item
        if self.scenario is None or column in self.items or (column == "name" and self._filled()):
            self.new_scenario("")
        self.column = column
        self.items[column] = [first]
        self.add_pictures(para.pictures)

    def text_line(self, text: str, pictures: list) -> None:
        if self.column is None:
            if (clean(text) and not guide_of(text)) or pictures:
                where = f"环节“{self.link.name}”" if self.link and self.link.name else "“三、智能制造实施内容”"
                self.problems.append(f"{where}中第一个场景之前的文字或图片未导入：“{clean(text)[:60]}”")
            return
        if is_example(text):
            return
        self.items[self.column].append(text)
        self.add_pictures(pictures)

    def add_pictures(self, pictures: list) -> None:
        if not pictures:
            return
        if self.column == "solution":
            self.scenario.pictures.extend(pictures)
        else:
            self.scenario.problems.append(f"有 {len(pictures)} 张图片不在“采用的技术方案”中，未导入"
                                          "（配图只属于技术方案，可在表单中上传）。")

    def new_scenario(self, title: str) -> None:
        if self.link is None:
            self.link = ParsedLink("")
            self.links.append(self.link)
        self.scenario, self.column, self.items = ParsedScenario(title=title), None, {}
        self.link.scenarios.append(self.scenario)
        self.collected.append((self.scenario, self.items))

    def _filled(self) -> bool:
        return any(clean(line) for lines in self.items.values() for line in lines) or bool(self.scenario.pictures)


def read_links(blocks: list[Para | Table]) -> tuple[list[ParsedLink], list[str]]:
    """The 环节 of 三 with their 场景, and what could not be placed."""
    reader = LinkReader()
    return reader.read(blocks), reader.problems
