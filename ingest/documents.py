"""Reading saved documents (.html/.htm, .txt, .md) into CleanDocuments, with robust decoding."""
from __future__ import annotations

import codecs
import html as html_lib
import re
from pathlib import Path
from typing import Mapping

from ingest.budget import DocumentLimits, DocumentRefused
from ingest.clean import clean_html, clean_text, guess_language
from ingest.errors import InputError
from ingest.localfile import read_local_file
from ingest.metadata import TABLE_CONTEXT_ATTR
from ingest.publisher import Site
from ingest.records import CleanDocument

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MAX_TABLE_CONTEXT = 240  # a caption-sized line; the table reader ignores longer context


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares in a <meta> or XML prolog, if any (and if Python knows it)."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes: BOM first, then the declared charset if it fits, UTF-8, and cp1252 last.

    A declared charset that fails to decode is ignored (mislabelled pages are common); cp1252
    decodes anything, with undefined bytes replaced, so this never raises.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff")
    candidates = [declared, declared_charset(data), "utf-8"]
    if utf8_mislabelled(data, candidates[0] or candidates[1]):
        return data.decode("utf-8")
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")


# Charsets in which every byte sequence decodes: a declaration of one of them never fails, so a
# UTF-8 document mislabelled with it would silently turn into mojibake ("MÃ¼nchen").
_SINGLE_BYTE = ("latin-1", "iso8859", "iso-8859", "cp125", "windows-125", "ascii", "us-ascii")


def utf8_mislabelled(data: bytes, declared: str | None) -> bool:
    """True when DATA says it is a single-byte charset but is non-ASCII, valid UTF-8 (then it is UTF-8).

    Real Latin-1 or cp1252 text almost never forms valid multi-byte UTF-8 sequences by chance.
    """
    if not declared:
        return False
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return False
    if not name.startswith(_SINGLE_BYTE) or data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text (NUL bytes or many control characters in the head)."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False  # UTF-16/32 legitimately hold NUL bytes
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.1


def _inline_markdown(line: str) -> str:
    line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)  # images -> alt text
    line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)  # links -> their text
    line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
    line = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", r"\1", line)
    line = re.sub(r"`([^`]+)`", r"\1", line)
    return line


def _prose(text: str) -> str:
    """Inline HTML in a markdown paragraph, heading or list item dropped ("is released under the <span
    class="bold">X license</span>" -> "is released under the X license"); a line break becomes a space."""
    text = _HTML_TAG.sub(lambda m: " " if re.match(r"</?(?:br|p|div|li|tr|td|th)\b", m.group(0), re.I) else "", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~^])")
_HTML_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")


def _pipe_cells(line: str) -> list[str]:
    """The cells of a pipe-table line; an escaped pipe (\\|) stays inside its cell."""
    line = re.sub(r"(?<!\\)\|$", "", line.strip().removeprefix("|"))
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line)]


def _cell_html(cell: str) -> str:
    """A markdown cell as HTML: markdown marks dropped, escapes undone, inline HTML (<br>, <sup>) kept as
    markup and everything else escaped, so the table reader sees the cell's line breaks and footnotes."""
    text = _MD_ESCAPE.sub(r"\1", _inline_markdown(cell))
    out, pos = [], 0
    for m in _HTML_TAG.finditer(text):
        out.append(html_lib.escape(text[pos:m.start()], quote=False))
        out.append(m.group(0))
        pos = m.end()
    out.append(html_lib.escape(text[pos:], quote=False))
    return "".join(out)


def _table_html(rows: list[list[str]], context: str = "") -> str:
    head, body = rows[0], rows[1:]
    attr = f' {TABLE_CONTEXT_ATTR}="{html_lib.escape(context)}"' if context else ""
    out = [f"<table{attr}><thead><tr>"]
    out += [f"<th>{_cell_html(c)}</th>" for c in head]
    out.append("</tr></thead><tbody>")
    for row in body:
        out.append("<tr>" + "".join(f"<td>{_cell_html(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _html_block(lines: list[str], i: int) -> tuple[str, int]:
    """The raw HTML table that starts on line I (model cards embed them in markdown): (html, next line)."""
    depth, j, out = 0, i, []
    while j < len(lines):
        line = lines[j]
        out.append(line)
        depth += len(re.findall(r"<table\b", line, re.I)) - len(re.findall(r"</table\s*>", line, re.I))
        j += 1
        if depth <= 0:
            break
    return "\n".join(out), j


def _with_context(table_html: str, context: str) -> str:
    """Mark the HTML table(s) of a markdown block with the heading that introduces them."""
    if not context:
        return table_html
    attr = f' {TABLE_CONTEXT_ATTR}="{html_lib.escape(context)}"'
    return re.sub(r"<table\b", lambda m: m.group(0) + attr, table_html, count=1, flags=re.I)


_QUOTE_MARK = re.compile(r"^\s{0,3}>[ \t]?")


def _unquoted(line: str) -> str:
    """A block-quote line as the text it quotes: '> - item' is a list item, a bare '>' a paragraph break
    (a quoted list or its lead-in is not merged into one paragraph)."""
    while _QUOTE_MARK.match(line):
        line = _QUOTE_MARK.sub("", line, count=1)
    return line


def clean_markdown(raw: str, *, sites: Mapping[str, Site] | None = None) -> CleanDocument:
    """Markdown: the first heading is the title, pipe tables and raw HTML tables go to `tables` (with the
    heading or line that introduces them as context), formatting is dropped. SITES: as for clean_text."""
    lines = [_unquoted(line) for line in raw.lstrip("\ufeff").replace("\r\n", "\n").split("\n")]
    title = ""
    blocks: list[str] = []
    tables: list[str] = []
    context = heading_text = ""  # the last heading (and a short line under it): what introduces a table
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        after = _after_shortcode(lines, i)
        if after is not None:
            i = after
            blocks.append("")
            continue
        if re.match(r"\s*(?:<[^>]+>\s*)*<table\b", line, re.I):
            block, i = _html_block(lines, i)
            tables.append(_with_context(block, context[:MAX_TABLE_CONTEXT]))
            blocks.append("")
            continue
        pipe = _pipe_table(lines, i)
        if pipe is not None:
            rows, i = pipe
            tables.append(_table_html(rows, context[:MAX_TABLE_CONTEXT]))
            blocks.append("")
            continue
        heading = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            text = _prose(_inline_markdown(heading.group(1)))
            context = heading_text = re.sub(r"<[^>]+>", " ", text).strip()
            if not title:
                title = text
            else:
                blocks += ["", text, ""]
        elif re.match(r"^\s*([-*+]|\d+[.)])\s+", line):
            blocks.append("- " + _prose(_inline_markdown(re.sub(r"^\s*([-*+]|\d+[.)])\s+", "", line))))
        elif not line.strip() or re.match(r"^\s*(-{3,}|\*{3,}|```)", line):
            blocks.append("")
        else:
            text = _prose(_inline_markdown(line.strip().lstrip("> ").strip()))
            if not text:
                i += 1
                continue  # a line of markup only ("<div align="center">")
            plain = re.sub(r"<[^>]+>", " ", text).strip()
            if plain and len(plain) <= MAX_TABLE_CONTEXT:
                # a short line under a heading ("1) Base models") adds to it; a paragraph between them does not
                context = f"{heading_text}: {plain}" if context == heading_text and heading_text else plain
            if blocks and blocks[-1] and not blocks[-1].startswith("- "):
                blocks[-1] += " " + text  # markdown paragraphs wrap across lines
            else:
                blocks.append(text)
        i += 1
    return _markdown_document(title, "\n".join(blocks), tables, sites)


def _after_shortcode(lines: list[str], i: int) -> int | None:
    """The index after the site generator's shortcode that opens at line I; None when none does.

    A shortcode ("{{< barplot ... >}} [data] {{< /barplot >}}") draws a chart or widget from the data
    inside it: no prose, and no table a reader sees, so it is skipped whole.
    """
    shortcode = re.match(r"\s*\{\{[<%]\s*([\w-]+)", lines[i].rstrip())
    if not shortcode:
        return None
    close = re.compile(r"\{\{[<%]\s*/\s*" + re.escape(shortcode.group(1)) + r"\s*[>%]\}\}")
    end = next((j for j in range(i, min(len(lines), i + 2000)) if close.search(lines[j])), None)
    return (end if end is not None else i) + 1


def _pipe_table(lines: list[str], i: int) -> tuple[list[list[str]], int] | None:
    """The cells of the pipe table whose header is line I, and the index after it; None when none starts there."""
    line = lines[i].rstrip()
    if not (line.strip().startswith("|") and i + 1 < len(lines) and re.match(r"^\s*\|?\s*:?-{3,}", lines[i + 1])):
        return None
    rows = [_pipe_cells(line)]
    i += 2
    while i < len(lines) and lines[i].strip().startswith("|"):
        rows.append(_pipe_cells(lines[i]))
        i += 1
    return rows, i


def _markdown_document(title: str, body: str, tables: list[str], sites: Mapping[str, Site] | None) -> CleanDocument:
    """The CleanDocument of a Markdown file's TITLE (its first heading, or ""), BODY text and TABLES."""
    if not title:
        doc = clean_text(body, sites=sites)
        return CleanDocument(**{**doc.__dict__, "tables": tuple(tables)})
    doc = clean_text(title + "\n\n" + body, sites=sites)
    return CleanDocument(**{**doc.__dict__, "title": title, "tables": tuple(tables),
                            "language": guess_language(doc.text)})


def read_document(path: str | Path, max_bytes: int | None = None, *, limits: DocumentLimits | None = None,
                  sites: Mapping[str, Site] | None = None) -> CleanDocument:
    """Read and clean a saved page (.html/.htm), a text copy of a page (.txt) or Markdown (.md).

    Only a regular file of at most MAX_BYTES (default: the HTTP body cap) is read.

    Raises:
        InputError: the file is missing, unreadable, not a regular file, too large, binary or empty,
            of an unknown kind, or refused by the document LIMITS (ingest.budget; the defaults when None).
    """
    return parse_document(path, read_local_file(path, max_bytes), limits, sites=sites)


def parse_document(path: str | Path, data: bytes, limits: DocumentLimits | None = None, *,
                   sites: Mapping[str, Site] | None = None) -> CleanDocument:
    """Clean DATA, the bytes of the saved document PATH (its suffix says which kind it is).

    SITES is the known-sites table (data/sites.toml when None), as for clean_html.

    Raises:
        InputError: binary or empty, of an unknown kind, or refused by the document LIMITS.
    """
    path = Path(path)
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    if looks_binary(data):
        raise InputError(f"{path}: looks like a binary file, not a page or text (expected .html, .txt or .md)")
    text = decode_bytes(data)
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    try:
        if suffix in _HTML_SUFFIXES:
            # a saved copy: its own links (canonical, og:url) say where it lives
            doc = clean_html(text, limits=limits, sites=sites)
        elif suffix in (".md", ".markdown"):
            doc = clean_markdown(text, sites=sites)
        elif suffix in (".txt", ".text", ""):
            doc = (clean_html(text, limits=limits, sites=sites) if re.match(r"\s*<(!doctype|html)", text, re.I)
                   else clean_text(text, sites=sites))
        else:
            raise InputError(f"{path}: unknown document type {suffix!r} (expected .html, .htm, .txt or .md)")
    except DocumentRefused as exc:
        raise InputError(f"{path}: {exc}") from None
    if not doc.text.strip():
        raise InputError(f"{path}: no readable text found")
    if doc.published is None:  # a dateline in the text ("SAN FRANCISCO, Nov. 2, 2026 —"), if any
        from dataclasses import replace

        from ingest.metadata import dateline_date

        doc = replace(doc, published=dateline_date(doc.text))
    return doc
