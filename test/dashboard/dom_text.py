#!/usr/bin/env python3
"""What a page rendered, as lines to grep, from Chromium's --dump-dom (standard library only).

  title: TEXT
  #ID: TEXT                 every element with an id (TEXT: its text, whitespace collapsed);
  #ID [hidden]: TEXT        ... when it has the hidden attribute
  TABLE-ID | CELL | CELL    every row of a table's tbody, its cells' text
  elements TAG: N           how many img, script and iframe elements the page holds
Text is the parser's, entities decoded: an article id shown as text reads as it is stored,
while markup that became elements shows up as elements and not as text.
"""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
COUNTED = ("img", "script", "iframe")


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # [tag, id, hidden, text parts]
        self.lines = []
        self.table = None
        self.row = None
        self.cell = None
        self.in_tbody = False
        self.counts = {tag: 0 for tag in COUNTED}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.counts:
            self.counts[tag] += 1
        if tag == "table":
            self.table = attrs.get("id", "?")
        elif tag == "tbody":
            self.in_tbody = True
        elif tag == "tr" and self.in_tbody:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        if tag not in VOID:
            self.stack.append([tag, attrs.get("id"), "hidden" in attrs, []])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, ident, hidden, parts = self.stack.pop()
            text = " ".join("".join(parts).split())
            if self.stack:
                self.stack[-1][3].append("".join(parts))
            if open_tag == "title" and self.stack and self.stack[-1][0] == "head":
                self.lines.append(f"title: {text}")
            if ident:
                self.lines.append(f"#{ident}{' [hidden]' if hidden else ''}: {text}")
            if open_tag == tag:
                break
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(self.cell_text)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.lines.append(" | ".join([self.table] + self.row))
            self.row = None
        elif tag == "tbody":
            self.in_tbody = False

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][3].append(data)
        if self.cell is not None:
            self.cell.append(data)

    @property
    def cell_text(self):
        return " ".join("".join(self.cell).split())


def main():
    page = Page()
    with open(sys.argv[1], encoding="utf-8") as f:
        page.feed(f.read())
    page.close()
    for line in page.lines:
        print(line)
    for tag, n in page.counts.items():
        print(f"elements {tag}: {n}")


if __name__ == "__main__":
    main()
