"""The layering DESIGN.md promises: data flows one way, and the UI never writes SQL or imports ingest.

Checked on the source text (imports), so a violation fails here before it becomes a tangle.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files(folder: str):
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", files("ingest"), ids=lambda p: p.name)
def test_ingest_stands_alone(path):
    """ingest needs no database, no spaCy and nothing of kb: its options and errors are its own."""
    bad = {m for m in imported_modules(path)
           if m.split(".")[0] in {"kb", "sqlmodel", "sqlalchemy", "spacy", "streamlit", "ui"}}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files("ui"), ids=lambda p: p.name)
def test_ui_only_reads_through_kb(path):
    mods = imported_modules(path)
    bad = {m for m in mods if m.split(".")[0] in {"ingest", "sqlalchemy"} or m == "sqlmodel"}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
    source = path.read_text(encoding="utf-8").lower()
    for verb in ("select ", "insert into", "update ", "delete from"):
        assert f'"{verb}' not in source and f"'{verb}" not in source, f"SQL text in {path.name}"
    assert "unsafe_allow_html=true" not in source.replace(" ", ""), f"{path.name} renders raw HTML"


@pytest.mark.parametrize("path", files("kb/nlp"), ids=lambda p: p.name)
def test_extractor_is_pure(path):
    bad = {m for m in imported_modules(path) if m.split(".")[0] in {"sqlmodel", "sqlalchemy", "streamlit"}
           or m in {"kb.db", "kb.models"}}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


# ---------------------------------------------------------------------------------------------
# Layers as folders (issue 15): kb/read queries, kb/store writes, kb/pipeline joins the stages
# ---------------------------------------------------------------------------------------------

def kb_files(*exclude: str):
    return [p for p in files("kb") if not any(p.is_relative_to(ROOT / e) for e in exclude)]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", files("kb/read"), ids=rel)
def test_readers_never_import_the_writers(path):
    """kb/read answers questions; it imports neither the store, nor the pipeline, nor ingest."""
    bad = {m for m in imported_modules(path)
           if m.startswith(("kb.store", "kb.pipeline", "kb.alerts", "kb.cli")) or m.split(".")[0] in {"ingest", "ui"}
           or m in {"kb.nlp.extract"}}
    assert not bad, f"{rel(path)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files("kb/store"), ids=rel)
def test_store_imports_neither_ingest_nor_the_extractor(path):
    """The store takes records (kb.nlp.records, ingest.records) and writes them; fetching, cleaning
    and extracting are the pipeline's, so the store never imports those stages."""
    bad = {m for m in imported_modules(path)
           if (m.split(".")[0] == "ingest" and m not in STORE_MAY_USE_FROM_INGEST)
           or (m.startswith("kb.nlp") and m != "kb.nlp.records")
           or m.startswith(("kb.pipeline", "kb.cli", "kb.alerts", "ui"))}
    assert not bad, f"{rel(path)} imports {sorted(bad)}"


# Frozen records are the stages' shared vocabulary, as kb.nlp.records is: the store may take them as input.
STORE_MAY_USE_FROM_INGEST = {"ingest.records"}


@pytest.mark.parametrize("path", kb_files("kb/pipeline"), ids=rel)
def test_only_the_pipeline_joins_ingest_and_the_store(path):
    mods = imported_modules(path)
    uses_ingest = any(m.split(".")[0] == "ingest" and m not in STORE_MAY_USE_FROM_INGEST for m in mods)
    uses_store = any(m.startswith("kb.store") for m in mods)
    assert not (uses_ingest and uses_store), f"{rel(path)} joins ingest and kb.store: that is kb/pipeline's job"


# Who may call a session's writing methods. kb/alerts writes only its own tables (rules, alerts,
# deliveries, digests: the analysts' subscriptions, not the knowledge base) and kb/db.py is where a
# transaction (session_scope) commits.
WRITERS = ("kb/store", "kb/pipeline", "kb/migrations", "kb/alerts", "kb/db.py")
_WRITE_METHODS = {"add", "add_all", "commit", "delete", "merge", "flush", "bulk_save_objects"}
_WRITE_STATEMENTS = {"insert", "update", "delete"}


def session_writes(path: Path) -> list[str]:
    """session.add/commit/delete/... calls, and SQL insert/update/delete statements, in PATH."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in _WRITE_METHODS):
            continue
        receiver = func.value  # session.add(...), self.session.add(...)
        name = receiver.id if isinstance(receiver, ast.Name) else getattr(receiver, "attr", "")
        if "session" in name.lower():
            found.append(f"line {node.lineno}: {name}.{func.attr}()")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in {"sqlalchemy", "sqlmodel"}:
            found += [f"line {node.lineno}: imports {a.name}" for a in node.names if a.name in _WRITE_STATEMENTS]
    return found


@pytest.mark.parametrize("path", [p for p in files("kb") + files("ui")
                                  if not any(rel(p).startswith(w) for w in WRITERS)], ids=rel)
def test_only_the_store_and_the_pipeline_write(path):
    writes = session_writes(path)
    assert not writes, f"{rel(path)} writes outside kb/store and kb/pipeline: {writes}"


def test_the_write_check_sees_writes():
    """The AST check itself: it finds the writes the store is known to make."""
    writes = session_writes(ROOT / "kb/store/claims.py")
    assert any("session.add()" in w for w in writes) and any("session.flush()" in w for w in writes)
    assert any("imports delete" in w for w in writes)


# What the UI may import from kb: every read, errors and settings, the engine (ui/common.py, ui/reads.py),
# and the few writes an analyst makes from a page: a model's organization (set-org), feeds (add, OPML
# import), alert rules and the inbox's read marks. Everything else in kb.store stays out of reach.
UI_MAY_IMPORT = {"kb.errors", "kb.settings", "kb.db", "kb.csv_safe", "kb.alerts.rules", "kb.alerts.inbox"}
UI_MAY_WRITE = {"kb.store.entities": {"set_org"}, "kb.store.sources": {"add_feed"},
                "kb.pipeline.feeds": {"import_opml"}}


@pytest.mark.parametrize("path", files("ui"), ids=rel)
def test_ui_imports_reads_and_a_few_named_writes(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bad += [a.name for a in node.names if a.name.startswith("kb")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kb":
            names = {a.name for a in node.names}
            if node.module in UI_MAY_WRITE:
                bad += [f"{node.module}.{n}" for n in names - UI_MAY_WRITE[node.module]]
            elif not (node.module == "kb.read" or node.module.startswith("kb.read.") or node.module in UI_MAY_IMPORT):
                bad.append(node.module)
    assert not bad, f"{rel(path)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files("ui"), ids=rel)
def test_ui_calls_kb_by_import_not_by_name(path):
    """No importlib, no __import__, no getattr on a module by a string: what the UI uses is visible to tools."""
    source = path.read_text(encoding="utf-8")
    mods = imported_modules(path)
    assert "importlib" not in source and not any(m.startswith("importlib") for m in mods), rel(path)
    assert "__import__" not in source, rel(path)
