"""`aikb extract`: run the extractor over files and print what it found (JSON or a table)."""
from __future__ import annotations

import json
from dataclasses import asdict

import click

EMPTY = {"title": "", "models": [], "orgs": [], "people": [], "scores": [], "stances": [], "plans": []}


def document_json(path: str, extraction) -> dict:
    """One document of the JSON output: the file, then the extraction; planned stances go under "plans"."""
    out = {"file": path, **extraction.to_json()}
    out["stances"] = [asdict(s) for s in extraction.stances if not s.planned]
    out["plans"] = [asdict(s) for s in extraction.stances if s.planned]
    out["models"] = [{"name": m.name, "org": m.org, "known": m.known, "focal": m.focal, "mentions": m.mentions}
                     for m in extraction.models]
    out["orgs"] = [{"name": o.name, "kind": o.kind} for o in extraction.orgs]
    out["people"] = [{"name": p.name, "org": p.org, "role": p.role, "evidence": p.evidence,
                      "start": p.start, "end": p.end} for p in extraction.people]
    out["extractor_version"] = extraction.extra.get("extractor_version")
    if extraction.extra.get("truncated_at"):
        out["warning"] = f"text cut at {extraction.extra['truncated_at']} characters"
    return out


def run_extract(paths: list[str], max_bytes: int | None = None) -> list[dict]:
    """Read, clean and extract each path; a bad file becomes an entry with "error", never a crash.

    Only regular files of at most MAX_BYTES (default: the HTTP body cap) are read."""
    from ingest.documents import read_document
    from kb.errors import InputError
    from kb.nlp.extract import extract_many
    from kb.nlp.pipeline import load_nlp

    results: list = [None] * len(paths)
    good, idx = [], []
    for i, path in enumerate(paths):
        try:
            doc = read_document(path, max_bytes=max_bytes)
        except InputError as exc:
            results[i] = {"file": path, **EMPTY, "error": str(exc)}
            continue
        except Exception as exc:  # noqa: BLE001 - an unexpected parser failure on one file must not stop the run
            results[i] = {"file": path, **EMPTY, "error": f"{path}: cannot read: {exc}"}
            continue
        if doc.language and doc.language != "en":
            results[i] = {"file": path, **EMPTY, "title": doc.title,
                          "warning": f"language {doc.language!r} is not English: nothing extracted"}
            continue
        good.append(doc)
        idx.append(i)
    if good:
        nlp = load_nlp()
        for i, ex in zip(idx, extract_many(nlp, good)):
            results[i] = document_json(paths[i], ex)
    return results


def print_table(docs: list[dict]) -> None:
    for d in docs:
        click.echo(f"== {d['file']}: {d.get('title') or ''}")
        if d.get("error") or d.get("warning"):
            click.echo(f"   ! {d.get('error') or d.get('warning')}")
        for s in d["scores"]:
            q = f" [{s['qualifier']}]" if s.get("qualifier") else ""
            click.echo(f"   score   {s['model']:<28} {s['benchmark']:<40} {s['value']:>8g} {s['unit'] or ''}{q}")
        for s in d["stances"] + d.get("plans", []):
            plan = " (planned)" if s.get("planned") else ""
            lic = f" licence {s['license']}" if s.get("license") else ""
            click.echo(f"   stance  {s.get('org') or '-'} / {s.get('model') or '-'}: {s['stance']}{plan}{lic}")
        for p in d["people"]:
            click.echo(f"   person  {p['name']} ({p.get('role') or '-'}, {p.get('org') or '-'})")
        click.echo(f"   models  {', '.join(m['name'] for m in d['models'])}")
        click.echo(f"   orgs    {', '.join(o['name'] for o in d['orgs'])}")


def register(cli: click.Group) -> None:
    """Add this module's commands to the aikb group."""

    @cli.command("extract")
    @click.argument("paths", nargs=-1, required=True)
    @click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
    def extract_command(paths: tuple[str, ...], fmt: str) -> None:
        """Extract models, orgs, people, benchmark scores and licensing stances from files.

        PATHS are .txt (title, blank line, body), .html/.htm (page or fragment, tables included)
        or .md files. A file that cannot be read gets an "error" entry; the others still run,
        and the exit code is non-zero only when every file failed.

        Example:

        \b
            aikb extract post.html notes.txt --format json > out.json
            aikb extract post.html
        """
        from kb.settings import Settings

        settings = click.get_current_context().find_object(Settings)
        docs = run_extract(list(paths), settings.max_bytes if settings else None)
        if fmt == "json":
            click.echo(json.dumps({"documents": docs}, ensure_ascii=False, indent=1))
        else:
            print_table(docs)
        failed = [d for d in docs if d.get("error")]
        if failed and len(failed) == len(docs):
            for d in failed:
                click.echo(f"error: {d['error']}", err=True)
            raise SystemExit(1)
