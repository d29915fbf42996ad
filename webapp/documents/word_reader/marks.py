"""Ticks and numbered lists as people write them in the form's cells."""
import re

from webapp.documents.word_reader.labels import clean, fold

TICKED = set("☑☒■√✓✔✅▣⊠●◉")
BOXES = set("□☐○◻▢◯")
_OPENERS = set("[(【")
_NUMBERED = re.compile(r"^\s*[\d０-９]{1,3}\s*[.．、)）]\s*")


def ticks(text: str, labels: list[str]) -> dict[str, bool] | None:
    """Which of `labels` carry a tick in front of them ("□国企　☑民营" → {"国企": False, "民营": True}); None when none
    does (the group was not filled in). A label without any box in front of it counts as not ticked."""
    folded = fold(text)
    taken = [False] * len(folded)
    found = {}
    for label in sorted(labels, key=len, reverse=True):       # "示范企业" inside a longer label is not itself
        target = fold(label)
        start = _free(folded, target, taken)
        if start < 0:
            found[label] = False
            continue
        for index in range(start, start + len(target)):
            taken[index] = True
        found[label] = _mark_before(folded, start)
    return found if any(found.values()) else None


def _free(folded: str, target: str, taken: list[bool]) -> int:
    start = folded.find(target)
    while start >= 0 and any(taken[start:start + len(target)]):
        start = folded.find(target, start + 1)
    return start


def _mark_before(folded: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and folded[index] in ")]】":
        index -= 1
    if index >= 0 and folded[index] in TICKED:
        return True
    return False


def after_label(text: str, label: str) -> str:
    """The rest of the line after `label` ("其他（请注明）湖南省…" → "湖南省…"), as written."""
    for line in text.split("\n"):
        folded_line = fold(line)
        target = fold(label)
        if target in folded_line:
            position = _position_after(line, target)
            return clean(line[position:]).lstrip(":：　 ").rstrip("_＿")
    return ""


def _position_after(line: str, target: str) -> int:
    """The index in `line` just after the folded `target` (spaces and full-width forms in between are allowed)."""
    folded = ""
    for index, char in enumerate(line):
        folded += fold(char)
        at = folded.find(target)
        if at >= 0:
            return index + 1
    return len(line)


def numbered_items(lines: list[str]) -> list[str]:
    """"1. …", "2. …" as items; a line without a number continues the item before it; placeholders and empty
    items are left out."""
    items: list[list[str]] = []
    for line in lines:
        match = _NUMBERED.match(line)
        if match:
            items.append([line[match.end():]])
        elif clean(line):
            if items:
                items[-1].append(line)
            else:
                items.append([line])
    texts = ["\n".join(part for part in (clean(p) for p in item) if part) for item in items]
    return [text for text in texts if text]
