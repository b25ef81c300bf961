"""Ingest commands: clean, ingest, feeds (add/import/export/list) and stats."""
from __future__ import annotations

import json

import click

from kb.errors import AikbError


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@click.command("clean")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
def clean_cmd(paths: tuple[str, ...], fmt: str) -> None:
    """Run the page cleaner alone on saved pages (.html, .htm, .txt copies, .md).

    Prints what the extractor will read: title, clean text, published time, outlet,
    original outlet and canonical URL (null where unknown). A file that cannot be read
    gets an "error" entry; the exit code is non-zero only when every file failed.

    Example:

    \b
        aikb clean saved/page.html saved/copy.txt --format json
    """
    from ingest.documents import read_document

    documents = []
    failures = 0
    for path in paths:
        try:
            doc = read_document(path)
        except AikbError as exc:
            failures += 1
            documents.append({"file": path, "error": str(exc)})
            continue
        documents.append({"file": path, **doc.to_json()})
    if fmt == "json":
        click.echo(_dump({"documents": documents}))
    else:
        for entry in documents:
            if "error" in entry:
                click.echo(f"== {entry['file']}: ERROR {entry['error']}")
                continue
            click.echo(f"== {entry['file']}\ntitle: {entry['title']}\noutlet: {entry['outlet']}"
                       f"\noriginal outlet: {entry['original_outlet']}\npublished: {entry['published']}\n")
            click.echo(entry["text"] + "\n")
    if failures == len(paths):
        raise SystemExit(1)


def register(cli: click.Group) -> None:
    """Add this module's commands to the aikb group."""
    cli.add_command(clean_cmd)
