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
