"""Fill in a Word file with LibreOffice, the way a person does in Word: run with Debian's python3 (it has LibreOffice's
`uno` module), not the project's interpreter.

    /usr/bin/python3 lo_fill.py IN.docx OUT.docx EDITS.json

LibreOffice is started headless with its own throwaway profile, opens IN.docx, makes the edits and saves the result
as "Word 2007-365" (.docx) - so OUT.docx is a file written by LibreOffice, not by python-docx. The edits (a JSON list):
  {"cell": "企业名称", "text": "…", "nth": 0}   the cell after the label cell (the nth one with that label; "offset":
                                               2 for the cell after that)
  {"append": "2．具体场景描述", "text": "…", "nth": 0}   text at the end of the paragraph starting with this
  {"set": "示例：针对发动机", "text": "…"}        the paragraph starting with this gets this text instead
  {"replace": "□民营", "text": "☑民营"}           every occurrence, anywhere (cells too)
  {"blank_after": "（一）企业概况", "count": 3}     empty paragraphs after that paragraph
  {"paragraphs_after": "…", "texts": ["…"]}      new paragraphs (same style) after that paragraph
  {"row_after": "7.", "texts": ["9.…", "10.…"]}  a new table row after the row holding this cell, filled
  {"merge_after": "上缴税金（万元）"}             the two cells after the label cell merged into one
  {"picture_after": "4．采用的技术方案", "path": "x.png"}  an image anchored as a character at the end
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK
from com.sun.star.text.TextContentAnchorType import AS_CHARACTER


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def squeeze(text):
    return "".join(text.split())


def start_office(profile):
    pipe = f"fill{os.getpid()}"
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                               f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _attempt in range(120):
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            CONTEXT["office"] = context
            return office, context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:  # noqa: BLE001 — not listening yet
            time.sleep(0.5)
    office.kill()
    raise RuntimeError("LibreOffice did not start")


def paragraphs(text):
    """Every paragraph of a text, those in table cells included, in order."""
    enumeration = text.createEnumeration()
    while enumeration.hasMoreElements():
        element = enumeration.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph"):
            yield text, element
        elif element.supportsService("com.sun.star.text.TextTable"):
            for name in element.getCellNames():
                yield from paragraphs(element.getCellByName(name).getText())


def find_paragraph(doc, start, nth=0):
    found = [(text, p) for text, p in paragraphs(doc.getText()) if squeeze(p.getString()).startswith(squeeze(start))]
    if len(found) <= nth:
        raise LookupError(f"no paragraph starting with {start!r}")
    return found[nth]


def find_cell(doc, label, nth=0):
    hits = []
    tables = doc.getTextTables()
    for index in range(tables.getCount()):
        table = tables.getByIndex(index)
        for name in table.getCellNames():
            if squeeze(table.getCellByName(name).getString()) == squeeze(label):
                hits.append((table, name))
    if len(hits) <= nth:
        raise LookupError(f"no cell {label!r}")
    return hits[nth]


def edit(doc, step):
    if "cell" in step:
        table, name = find_cell(doc, step["cell"], step.get("nth", 0))
        cursor = table.createCursorByCellName(name)
        cursor.goRight(step.get("offset", 1), False)
        table.getCellByName(cursor.getRangeName()).setString(step["text"])
    elif "append" in step:
        text, para = find_paragraph(doc, step["append"], step.get("nth", 0))
        text.insertString(para.getEnd(), step["text"], False)
    elif "set" in step:
        _text, para = find_paragraph(doc, step["set"], step.get("nth", 0))
        para.setString(step["text"])
    elif "replace" in step:
        search = doc.createReplaceDescriptor()
        search.SearchString, search.ReplaceString = step["replace"], step["text"]
        doc.replaceAll(search)
    elif "blank_after" in step or "paragraphs_after" in step:
        text, para = find_paragraph(doc, step.get("blank_after") or step["paragraphs_after"], step.get("nth", 0))
        cursor = text.createTextCursorByRange(para.getEnd())
        for line in step.get("texts") or [""] * step.get("count", 1):
            text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
            text.insertString(cursor, line, False)
    elif "row_after" in step:
        table, name = find_cell(doc, step["row_after"], step.get("nth", 0))
        row = int("".join(ch for ch in name.split(".")[0] if ch.isdigit()))
        table.getRows().insertByIndex(row, 1)
        for column, value in enumerate(step["texts"]):
            table.getCellByName(f"{chr(ord('A') + column)}{row + 1}").setString(value)
    elif "merge_after" in step:
        table, name = find_cell(doc, step["merge_after"], step.get("nth", 0))
        cursor = table.createCursorByCellName(name)
        cursor.goRight(1, False)
        cursor.goRight(1, True)
        cursor.mergeRange()
    elif "picture_after" in step:
        text, para = find_paragraph(doc, step["picture_after"], step.get("nth", 0))
        graphic = doc.createInstance("com.sun.star.text.TextGraphicObject")
        graphic.Graphic = graphic_provider().queryGraphic((prop("URL", uno.systemPathToFileUrl(step["path"])),))
        graphic.AnchorType = AS_CHARACTER
        text.insertTextContent(para.getEnd(), graphic, False)
    else:
        raise ValueError(f"unknown edit {step!r}")


CONTEXT = {}


def graphic_provider():
    context = CONTEXT["office"]
    return context.ServiceManager.createInstanceWithContext("com.sun.star.graphic.GraphicProvider", context)


def main(source, target, edits_path):
    edits = json.load(open(edits_path, encoding="utf-8"))
    with tempfile.TemporaryDirectory() as profile:
        office, desktop = start_office(profile)
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
                                               (prop("Hidden", True),))
            for step in edits:
                edit(doc, step)
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)),
                           (prop("FilterName", "MS Word 2007 XML"), prop("Overwrite", True)))
            doc.close(True)
        finally:
            try:
                desktop.terminate()
            except Exception:  # noqa: BLE001 — the bridge goes down with the office
                pass
            office.wait(timeout=30)


if __name__ == "__main__":
    main(*sys.argv[1:4])
