"""No proper noun of a model, person, product, organisation or benchmark in kb/nlp/*.py code (issue 12 item 8).

Names live in data (data/gazetteer/, data/patterns/); a name in a Python string or regex is a rule fitted to the
articles it came from. The test reads every string literal of kb/nlp/*.py (docstrings and comments are prose and
are skipped), splits it into words the way a regex spells them ("Hugging ?Face" -> Hugging, Face) and looks every
word and run of up to four words up in the gazetteer's names and aliases, case-sensitively.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NLP = ROOT / "kb" / "nlp"
GAZ = ROOT / "data" / "gazetteer"

# Gazetteer entries that are also ordinary English or technical words (a benchmark called "Instruct", a model
# variant "Pro"): using the word in a rule says nothing about that entity. Words only, never files.
COMMON_WORDS = set()

# (file, name) pairs allowed in code while a file is being cleaned; empty now that every kb/nlp file is,
# and stances.py, people.py and orglists.py must never appear here.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def _jsonl(name: str) -> list[dict]:
    path = GAZ / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gazetteer_names() -> set[str]:
    """Every model, family, organisation, benchmark and person name and alias, as written."""
    names: set[str] = set()
    curated = json.loads((GAZ / "curated.json").read_text(encoding="utf-8"))
    for rows in (_jsonl("models.jsonl"), _jsonl("orgs.jsonl"), _jsonl("benchmarks.jsonl"), _jsonl("people.jsonl"),
                 curated["models"], curated["orgs"], curated["benchmarks"], curated["people"]):
        for row in rows:
            names.add(row["name"])
            names.update(row.get("aliases") or [])
    for row in _jsonl("families.jsonl") + curated["families"]:
        names.add(row["family"])
    # a name is looked for when it has a capital letter or a digit after letters: "Meta", "MMLU", "gpt-oss"
    return {n.strip() for n in names if n and len(n.strip()) > 2 and re.search(r"[A-Z]|[a-z]-?\d", n)}


def _docstring_nodes(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def code_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal in PATH that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstring_nodes(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs]


WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+'\u2019]*[A-Za-z0-9]|[A-Za-z]")


def names_in(text: str, names: set[str]) -> set[str]:
    """Gazetteer names TEXT spells, alone or as a run of words a regex separates with spaces or classes."""
    # regex escapes and classes are separators: "\\bMeta\\b", "Hugging ?Face", "(?:Llama|Qwen)"
    plain = re.sub(r"\\[a-zA-Z]", " ", text)
    words = [w.strip(".'\u2019-") for w in WORD.findall(plain)]
    found = set()
    for i in range(len(words)):
        for n in range(1, 5):
            if i + n > len(words):
                break
            for sep in (" ", "-", ""):
                cand = sep.join(words[i:i + n])
                if cand in names:
                    found.add(cand)
    return found


def violations() -> list[tuple[str, int, str]]:
    names = gazetteer_names() - COMMON_WORDS
    out = []
    for path in sorted(NLP.glob("*.py")):
        for line, text in code_strings(path):
            for name in sorted(names_in(text, names)):
                if (path.name, name) not in KNOWN_EXCEPTIONS:
                    out.append((path.name, line, name))
    return out


def test_no_gazetteer_name_in_nlp_code():
    found = violations()
    assert not found, "proper nouns in kb/nlp code (move them to data/):\n" + "\n".join(
        f"  {f}:{line}: {name}" for f, line, name in found)


def test_the_check_finds_a_name_in_a_regex():
    names = {"Hugging Face", "Meta", "Llama", "MMLU"}
    assert names_in(r"\b(?:on|via) Hugging ?Face\b", names) == {"Hugging Face"}
    assert names_in(r"(?:Llama|Qwen)[ -]\d", names) == {"Llama"}
    assert names_in(r"\bmetadata\b|\bMMLU-Pro\b", names) == {"MMLU"}
    assert names_in("the company's chief scientist", names) == set()


def test_own_files_have_no_exceptions():
    assert not {f for f, _ in KNOWN_EXCEPTIONS} & {"stances.py", "people.py", "orglists.py"}
