"""``.. markdown-file::``: show a Markdown file (headings, text, lists, tables, code).

The benchmark results live in ``benchmarks/README.md``, written in Markdown by the
benchmark scripts' authors. This directive turns the subset of Markdown such a file
uses into docutils nodes directly, without passing any of its text through the
reStructuredText parser, so nothing in it can break a build that treats warnings as
errors, and no Markdown parser is needed:

- ``#`` headings become rubrics (the first ``#`` heading can be skipped);
- pipe tables (``| a | b |`` with a ``| --- | ---: |`` line) become tables;
- fenced code blocks become literal blocks;
- ``-``/``*`` and ``1.`` lists become lists;
- other lines become paragraphs, with ```code```, ``**bold**``, ``*emphasis*`` and
  ``[text](https://...)`` links; relative links show their text only.

Options: ``:optional:`` shows a note instead of failing when the file is missing;
``:skip-title:`` drops the file's first top-level heading.
"""

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives

_FENCE = re.compile(r"^(\s*)(```|~~~)\s*([\w+-]*)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_ENUM = re.compile(r"^(\s*)\d+[.)]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE = re.compile(
    r"(?P<code>`+)(?P<code_text>.+?)(?P=code)"
    r"|\*\*(?P<strong>.+?)\*\*"
    r"|(?<![\w*])\*(?P<em>[^*\s][^*]*?)\*(?![\w*])"
    r"|\[(?P<link_text>[^\]]+)\]\((?P<link_url>[^)\s]+)\)"
)


def inline(text):
    """Text nodes for one line or paragraph of Markdown."""
    out, position = [], 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            out.append(nodes.Text(text[position : match.start()]))
        if match.group("code"):
            code = match.group("code_text")
            out.append(nodes.literal(code, code.strip()))
        elif match.group("strong"):
            out.append(nodes.strong("", "", *inline(match.group("strong"))))
        elif match.group("em"):
            out.append(nodes.emphasis("", "", *inline(match.group("em"))))
        else:
            label, url = match.group("link_text"), match.group("link_url")
            if re.match(r"^(https?|mailto):", url):
                out.append(nodes.reference("", "", *inline(label), refuri=url))
            else:
                out.extend(inline(label))
        position = match.end()
    if position < len(text):
        out.append(nodes.Text(text[position:]))
    return out


def _cells(line):
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells = re.split(r"(?<!\\)\|", line)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _table(header, rule, rows):
    aligns = []
    for spec in _cells(rule):
        if spec.endswith(":"):
            aligns.append("end" if not spec.startswith(":") else "center")
        else:
            aligns.append(None)
    header_cells = _cells(header)
    n = len(header_cells)
    table = nodes.table(classes=["markdown-table"])
    group = nodes.tgroup(cols=n)
    table += group
    for _ in range(n):
        group += nodes.colspec(colwidth=1)

    def row_node(cells):
        row = nodes.row()
        for i in range(n):
            text = cells[i] if i < len(cells) else ""
            entry = nodes.entry()
            align = aligns[i] if i < len(aligns) else None
            if align:
                entry["classes"].append(f"text-{align}")
            entry += nodes.paragraph("", "", *inline(text))
            row += entry
        return row

    head = nodes.thead()
    head += row_node(header_cells)
    group += head
    body = nodes.tbody()
    for cells in rows:
        body += row_node(cells)
    group += body
    return table


def _list(items, ordered):
    node = nodes.enumerated_list() if ordered else nodes.bullet_list()
    for text in items:
        item = nodes.list_item()
        item += nodes.paragraph("", "", *inline(text))
        node += item
    return node


def markdown_to_nodes(text, skip_title=False):
    """Docutils nodes for Markdown ``text`` (the subset described above)."""
    lines = text.splitlines()
    out, i, skipped = [], 0, not skip_title
    paragraph = []

    def flush():
        if paragraph:
            out.append(nodes.paragraph("", "", *inline(" ".join(paragraph))))
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            flush()
            marker, language = fence.group(2), fence.group(3) or "text"
            code, i = [], i + 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                code.append(lines[i])
                i += 1
            block = "\n".join(code)
            literal = nodes.literal_block(block, block)
            literal["language"] = language
            out.append(literal)
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            if not skipped and len(heading.group(1)) == 1:
                skipped = True
            else:
                level = len(heading.group(1))
                out.append(
                    nodes.rubric(
                        "", "", *inline(heading.group(2)), classes=[f"md-h{level}"]
                    )
                )
            i += 1
            continue
        if (
            line.lstrip().startswith("|")
            and i + 1 < len(lines)
            and _TABLE_RULE.match(lines[i + 1])
        ):
            flush()
            header, rule, rows, i = line, lines[i + 1], [], i + 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            out.append(_table(header, rule, rows))
            continue
        bullet, enum = _BULLET.match(line), _ENUM.match(line)
        if bullet or enum:
            flush()
            ordered, pattern = (False, _BULLET) if bullet else (True, _ENUM)
            items = []
            while i < len(lines):
                match = pattern.match(lines[i])
                if match:
                    items.append(match.group(2).strip())
                elif lines[i].strip() and lines[i].startswith((" ", "\t")) and items:
                    items[-1] += " " + lines[i].strip()
                else:
                    break
                i += 1
            out.append(_list(items, ordered))
            continue
        if not line.strip():
            flush()
        else:
            paragraph.append(line.strip())
        i += 1
    flush()
    return out


class MarkdownFile(Directive):
    required_arguments = 1
    option_spec = {"optional": directives.flag, "skip-title": directives.flag}

    def run(self):
        env = self.state.document.settings.env
        relative, absolute = env.relfn2path(self.arguments[0])
        path = Path(absolute)
        env.note_dependency(relative)
        if not path.is_file():
            if "optional" in self.options:
                note = nodes.note()
                note += nodes.paragraph(
                    "",
                    f"{self.arguments[0]} does not exist in this checkout yet; run "
                    "the commands above to produce the tables on your machine.",
                )
                return [note]
            raise self.error(f"markdown-file: {path} does not exist")
        text = path.read_text(encoding="utf-8")
        return markdown_to_nodes(text, skip_title="skip-title" in self.options)


def setup(app):
    app.add_directive("markdown-file", MarkdownFile)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
