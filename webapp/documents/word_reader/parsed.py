"""What a filled 申报书 Word file holds, as word_reader finds it: the texts as written, placed by the form's structure.

Nothing here is checked against the rules of the form (that is the section forms' business, in the applications
area): a number is the text of its cell ("1,234.5万元"), a choice the label that is ticked ("民营"), a list its items.
"""
import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Picture:
    name: str                       # the name Word keeps for it ("" or "图片 1" when it keeps none)
    data: bytes = field(repr=False)
    content_type: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class ParsedScenario:
    title: str = ""                 # the guide scenario its heading names ("场景2：智能在线检测"); "" without one
    values: dict[str, str] = field(default_factory=dict)     # column of the 场景 block → text
    pictures: list[Picture] = field(default_factory=list)    # pictures of its 采用的技术方案
    problems: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.title and not any(self.values.values()) and not self.pictures


@dataclass
class ParsedLink:
    name: str                       # the 环节 as written ("" when its heading names none)
    heading: str = ""
    scenarios: list[ParsedScenario] = field(default_factory=list)
    listed_only: bool = False       # named only in the 基本情况表's list of 环节, without a block in 三


@dataclass
class ParsedDocument:
    """`fields`: "<section>.<field>" → the text found (str, "" when empty), a tick (bool; None when no box of its
    group is ticked) or the items of a list (list of str). Economy values are "economics.<year>.<indicator>"."""

    fields: dict[str, object] = field(default_factory=dict)
    links: list[ParsedLink] = field(default_factory=list)
    years: list[int] = field(default_factory=list)           # the years heading the economy rows
    listed_links: list[str] = field(default_factory=list)    # 实施智能制造涵盖的环节 as listed in the 基本情况表
    missing: list[str] = field(default_factory=list)         # parts of the form the file does not have
    problems: list[str] = field(default_factory=list)
    footer: str = ""                # the footer of a file this system generated (version, fingerprint)

    @property
    def pictures(self) -> int:
        return sum(len(s.pictures) for link in self.links for s in link.scenarios)
