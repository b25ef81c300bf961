"""Reading saved documents (.html/.htm, .txt, .md) into CleanDocuments, with robust decoding."""
from __future__ import annotations

import codecs
import html as html_lib
import re
from pathlib import Path

from ingest.budget import DocumentLimits, DocumentRefused
from ingest.clean import clean_html, clean_text, guess_language
from ingest.localfile import read_local_file
from ingest.records import CleanDocument
from kb.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")


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
    for encoding in candidates:
        if not encoding:
            continue
        try:
            return data.decode(encoding)
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


def _pipe_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table_html(rows: list[list[str]]) -> str:
    head, body = rows[0], rows[1:]
    out = ["<table><thead><tr>"]
    out += [f"<th>{html_lib.escape(_inline_markdown(c))}</th>" for c in head]
    out.append("</tr></thead><tbody>")
    for row in body:
        out.append("<tr>" + "".join(f"<td>{html_lib.escape(_inline_markdown(c))}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def clean_markdown(raw: str) -> CleanDocument:
    """Markdown: the first heading is the title, pipe tables become HTML tables, formatting is dropped."""
    lines = raw.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    title = ""
    blocks: list[str] = []
    tables: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if line.strip().startswith("|") and i + 1 < len(lines) and re.match(r"^\s*\|?\s*:?-{3,}", lines[i + 1]):
            rows = [_pipe_cells(line)]
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_pipe_cells(lines[i]))
                i += 1
            tables.append(_table_html(rows))
            blocks.append("")
            continue
        heading = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            text = _inline_markdown(heading.group(1))
            if not title:
                title = text
            else:
                blocks += ["", text, ""]
        elif re.match(r"^\s*([-*+]|\d+[.)])\s+", line):
            blocks.append("- " + _inline_markdown(re.sub(r"^\s*([-*+]|\d+[.)])\s+", "", line)))
        elif not line.strip() or re.match(r"^\s*(-{3,}|\*{3,}|```)", line):
            blocks.append("")
        else:
            text = _inline_markdown(line.strip().lstrip("> ").strip())
            if blocks and blocks[-1] and not blocks[-1].startswith("- "):
                blocks[-1] += " " + text  # markdown paragraphs wrap across lines
            else:
                blocks.append(text)
        i += 1
    body = "\n".join(blocks)
    if not title:
        doc = clean_text(body)
        return CleanDocument(**{**doc.__dict__, "tables": tuple(tables)})
    doc = clean_text(title + "\n\n" + body)
    return CleanDocument(**{**doc.__dict__, "title": title, "tables": tuple(tables),
                            "language": guess_language(doc.text)})


def read_document(path: str | Path, max_bytes: int | None = None, *,
                  limits: DocumentLimits | None = None) -> CleanDocument:
    """Read and clean a saved page (.html/.htm), a text copy of a page (.txt) or Markdown (.md).

    Only a regular file of at most MAX_BYTES (default: the HTTP body cap) is read.

    Raises:
        InputError: the file is missing, unreadable, not a regular file, too large, binary or empty,
            of an unknown kind, or refused by the document LIMITS (ingest.budget; the defaults when None).
    """
    return parse_document(path, read_local_file(path, max_bytes), limits)


def parse_document(path: str | Path, data: bytes, limits: DocumentLimits | None = None) -> CleanDocument:
    """Clean DATA, the bytes of the saved document PATH (its suffix says which kind it is).

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
            doc = clean_html(text, limits=limits)  # a saved copy: its own links (canonical, og:url) say where it lives
        elif suffix in (".md", ".markdown"):
            doc = clean_markdown(text)
        elif suffix in (".txt", ".text", ""):
            doc = clean_html(text, limits=limits) if re.match(r"\s*<(!doctype|html)", text, re.I) else clean_text(text)
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
