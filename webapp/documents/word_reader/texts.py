"""二 … 八 of the 申报书: where each part begins (its heading, found by number and title whatever its style), and the
texts of 二 and 四 … 七 under their headings and sub-headings, without the form's guidance."""
import re
from dataclasses import dataclass

from webapp.documents.word_reader.blocks import Para, Table
from webapp.documents.word_reader.labels import (
    INFLUENCE, OVERVIEW, clean, drop_ordinal, fold, guide_of, join_lines, similarity, strip_prefix,
)

# The parts of the body after the cover, in order: (key, numeral, title).
PARTS = [("basic", "一", "基本情况表"), ("overview", "二", "企业情况概述"), ("implementation", "三", "智能制造实施内容"),
         ("outcomes", "四", "智能制造实施成效"), ("influence", "五", "行业影响及示范作用"),
         ("plan", "六", "下一步工作计划"), ("lessons", "七", "智能制造经验总结"), ("attachments", "八", "相关证明材料")]
SINGLE_TEXTS = {"outcomes": "outcomes.outcomes", "plan": "plan.next_steps", "lessons": "lessons.lessons"}
SUB_TEXTS = {"overview": [(label, guidance, f"overview.{name}") for label, guidance, name in OVERVIEW],
             "influence": [(label, guidance, f"influence.{name}") for label, guidance, name in INFLUENCE]}
_NUMERAL = re.compile(r"^([一二三四五六七八九十])[、.,]?")


def heading_of(para: Para, numeral: str, title: str) -> bool:
    """"三、智能制造实施内容" (numbered, any style), or the title alone in a first-level heading."""
    folded = fold(para.text)
    match = _NUMERAL.match(folded)
    if match and match.group(1) == numeral:
        rest = folded[match.end():]
        return rest.startswith(fold(title)) or similarity(rest[:len(title) + 2], title) >= 0.8
    return para.level == 1 and similarity(folded, title) >= 0.8


def split_parts(body: list[Para | Table]) -> dict[str, list[Para | Table]]:
    """The blocks of each part found, by key (the blocks before the first part under "cover")."""
    starts, position = [], 0
    for part_key, numeral, title in PARTS:
        for index in range(position, len(body)):
            if isinstance(body[index], Para) and heading_of(body[index], numeral, title):
                starts.append((index, part_key))
                position = index + 1
                break
    parts = {"cover": body[:starts[0][0]] if starts else body}
    for (start, part_key), following in zip(starts, starts[1:] + [(len(body), "")]):
        parts[part_key] = body[start + 1:following[0]]
    return parts


@dataclass
class TextPart:
    lines: list[str]
    pictures: int = 0
    tables: int = 0


def text_of(blocks: list[Para | Table]) -> TextPart:
    """The user's text of a part: guidance (a paragraph wholly in brackets at its start) left out, a table's rows
    read as lines of text."""
    part = TextPart([])
    for block in blocks:
        if isinstance(block, Table):
            part.tables += 1
            part.lines += ["\t".join(clean(c.text) for c in row) for row in block.rows]
            continue
        if guide_of(block.text) and not any(clean(line) for line in part.lines):
            continue                        # the form's guidance under the heading (blank lines before it or not)
        part.lines.append(block.text)
        part.pictures += len(block.pictures)
    return part


def sub_texts(blocks: list[Para | Table], labels: list[tuple[str, str, str]]) -> dict[str, TextPart]:
    """The texts under the sub-headings of 二 and 五 ("（一）企业概况：…"), by field."""
    found: dict[str, TextPart] = {}
    current = None
    for block in blocks:
        if isinstance(block, Para):
            start = _sub_heading(block, labels)
            if start is not None:
                current, first = start
                found[current] = TextPart([first] if first else [])
                continue
        if current is not None:
            found[current].lines.extend(text_of([block]).lines if isinstance(block, Table) else [block.text])
            found[current].pictures += len(block.pictures) if isinstance(block, Para) else 0
    return found


def _sub_heading(para: Para, labels) -> tuple[str, str] | None:
    ordinal, rest = drop_ordinal(para.text)
    for label, guidance, name in labels:
        word = drop_ordinal(label)[1].rstrip("：")
        after = strip_prefix(rest, word)
        if after is None or not (ordinal or para.level or re.match(r"^\s*[：:]", after)):
            continue
        after = after.strip().lstrip("：:").strip()
        without_guidance = strip_prefix(after, guidance)
        after = after if without_guidance is None else without_guidance.strip().lstrip("：:。").strip()
        return name, "" if guide_of(after) else after
    return None


def read_texts(parts: dict[str, list[Para | Table]]) -> tuple[dict[str, str], list[str]]:
    """The fields of 二 and 四 … 七 (and of 协同集成情况, given as the part "integration"), and notes on what was not
    taken as it is (pictures, tables)."""
    found: dict[str, tuple[str, TextPart]] = {}
    for part_key, numeral, title in PARTS:
        if part_key in SINGLE_TEXTS and part_key in parts:
            found[SINGLE_TEXTS[part_key]] = (f"{numeral}、{title}", text_of(parts[part_key]))
        for label, _guidance, field in SUB_TEXTS.get(part_key, []):
            if part_key in parts and field in (texts := sub_texts(parts[part_key], SUB_TEXTS[part_key])):
                found[field] = (label.rstrip("："), texts[field])
    if "integration" in parts:
        found["integration.integration"] = ("协同集成情况", text_of(parts["integration"]))
    fields, problems = {}, []
    for field, (title, part) in found.items():
        fields[field] = join_lines(part.lines)
        if part.pictures:
            problems.append(f"“{title}”中有 {part.pictures} 张图片，未导入（只有场景的技术方案可以配图）。")
        if part.tables:
            problems.append(f"“{title}”中的表格已按行读成文字（各格以制表符分隔），请导入后核对。")
    return fields, problems
