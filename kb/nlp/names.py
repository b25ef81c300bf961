"""Name resolution: surface text -> canonical display names of models, benchmarks, orgs, licences.

Backed by the gazetteer in data/gazetteer/ (see its SOURCE.md) plus generic shapes for model names
never seen before ("<Family> <version> <variant>": Vega-5.4, Vela Opal 4.6, Zephyr3-235B-A22B).
The gazetteer is read once per process (the only cached global besides the spaCy pipeline).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from kb.text.keys import name_key, spelling
from kb.text.lexicon import alternation, words

GAZETTEER_DIR = Path(__file__).resolve().parents[2] / "data" / "gazetteer"

# Words that can follow a family + version inside one model name (case-insensitive), from
# data/patterns/lexicon.jsonl; a family's own variant names are facts in data/gazetteer/families.jsonl.
GENERIC_VARIANTS = words("tier_variant", "variant")
TIER_VARIANTS = alternation("tier_variant")  # "Pro", "Mini": alone after a version they still name a model
FOOTNOTE = re.compile(r"[\*\u2020\u2021\u00a7\u00b9\u00b2\u00b3\u2070-\u2079]+$")
SIZE = r"\d+(?:\.\d+)?[BMTbmt](?:-A\d+(?:\.\d+)?[Bb])?"
VERSION = r"(?:[vVkKmMrR]?\d+(?:\.\d+)*[a-zA-Z]?|[A-Z]\d+(?:\.\d+)*)"


Record = dict[str, Any]  # one row of a data/gazetteer/*.jsonl file


def _read_jsonl(path: Path) -> list[Record]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Gazetteer:
    """In-memory lookups over data/gazetteer/*.jsonl."""

    models: list[Record] = field(default_factory=list)
    orgs: list[Record] = field(default_factory=list)
    benchmarks: list[Record] = field(default_factory=list)
    licenses: list[Record] = field(default_factory=list)
    families: list[Record] = field(default_factory=list)
    people: list[Record] = field(default_factory=list)
    model_index: dict[str, Record] = field(default_factory=dict)  # name_key(alias) -> model record
    org_index: dict[str, Record] = field(default_factory=dict)  # name_key(alias, "org") -> org record
    bench_index: dict[str, str] = field(default_factory=dict)  # name_key(alias) -> canonical benchmark
    license_index: dict[str, Record] = field(default_factory=dict)
    family_index: dict[str, Record] = field(default_factory=dict)  # name_key(family) -> family record
    person_index: dict[str, Record] = field(default_factory=dict)
    shape: re.Pattern[str] = re.compile(r"(?!)")  # matches nothing until load() builds the name shape

    @classmethod
    def load(cls, directory: Path = GAZETTEER_DIR) -> "Gazetteer":
        """Read the gazetteer files and build the lookup tables."""
        def read(name: str) -> list[Record]:
            return _read_jsonl(directory / f"{name}.jsonl")

        g = cls(models=read("models"), orgs=read("orgs"), benchmarks=read("benchmarks"), licenses=read("licenses"),
                families=read("families"), people=read("people"))
        for m in g.models:  # a record's own name wins over another record's alias ("Pico Pear")
            g.model_index.setdefault(name_key(m["name"]), m)
        for m in g.models:
            for alias in m.get("aliases", []):
                g.model_index.setdefault(name_key(alias), m)
        for o in g.orgs:  # keyed as the linker keys organisations ("Megvii Inc" -> "megvii") ...
            for alias in [o["name"], *o.get("aliases", [])]:
                g.org_index.setdefault(name_key(alias, "org"), o)
        for b in g.benchmarks:
            for alias in [b["name"], *b.get("aliases", [])]:
                g.bench_index.setdefault(name_key(alias), b["name"])
        for lic in g.licenses:
            for alias in [lic["name"], *lic.get("aliases", [])]:
                g.license_index.setdefault(name_key(alias), lic)
        for f in g.families:
            g.family_index[name_key(f["family"])] = f
        for p in g.people:
            g.person_index[name_key(p["name"])] = p
        g.shape = g._build_shape()
        return g

    def _build_shape(self) -> re.Pattern[str]:
        fams = sorted({f["family"] for f in self.families}, key=len, reverse=True)
        variants = set(GENERIC_VARIANTS)
        for f in self.families:
            variants.update(v for v in f.get("variants", []) if len(v) > 1)
        var = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
        fam = "|".join(re.escape(f) for f in fams)
        part = rf"(?:{var}|{SIZE}|A\d+B|{VERSION}|\d{{4}})"
        # An unknown capitalised word right after the family counts only when a version follows:
        # "Vela Fable 5". Then version/variant parts joined by space or hyphen: "Zephyr3", "Vega-5.4".
        return re.compile(rf"(?<![\w.-])(?P<fam>{fam})(?P<rest>(?: [A-Z][a-z]+(?= v?\d))?"
                          rf"(?:(?:[ -]|(?<=[A-Za-z])(?=\d)){part}(?![\w]))*)")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (read once)."""
    return Gazetteer.load()


def clean_label(text: str) -> str:
    """Strip footnote marks, surrounding punctuation and repeated spaces from a table/prose label."""
    text = re.sub(r"\s+", " ", (text or "").replace("\u00a0", " ")).strip()
    text = FOOTNOTE.sub("", text).strip(" :;,.*\"'\u201c\u201d")
    return text


def _strip_setting(text: str) -> str:
    """Drop a trailing parenthesised setting: "Vega-5.4 (high)" -> "Vega-5.4"."""
    return re.sub(r"\s*[\(\[][^)\]]*[\)\]]\s*$", "", text).strip()


def model_family(name: str) -> Optional[Record]:
    """The family record a model name starts with ("Heron 4 Condor" -> Heron), or None."""
    g = gazetteer()
    m = g.shape.match(name)
    if not m:
        return None
    return g.family_index.get(name_key(m.group("fam")))


def shape_name(text: str) -> Optional[str]:
    """Canonical spelling of a generic "<Family> <version> <variant>" name, or None if not that shape."""
    g = gazetteer()
    m = g.shape.fullmatch(text)
    if not m:
        return None
    fam = g.family_index.get(name_key(m.group("fam")))
    rest = m.group("rest")
    if not rest.strip(" -"):
        return None  # a bare family ("Heron") is not a model
    has_version = re.search(r"\d", rest)
    if not has_version and fam and fam.get("variants") and not rest.startswith("-"):  # "Heron-Flash" is a name
        # "Orrery Pro" is a model: without a version every word must be one of the family's own variants
        # ("Orrery Canvas" borrows Lumen's 'Canvas' and is a product surface).
        own = {v.lower() for v in fam["variants"]}
        if not all(w.lower() in own for w in rest.strip(" -").split()):
            return None
    parent = fam.get("parent") if fam else None
    name = text.strip()
    if parent:
        name = f"{parent} {name}"
    return name


def resolve_model_name(text: str) -> Optional[str]:
    """Map a header/cell/prose text to a model's canonical display name, or None if it is not a model.

    Known names and aliases come from the gazetteer; unseen names must have a family + version shape.
    """
    label = clean_label(text)
    if "/" in label and " " not in label:
        label = label.rsplit("/", 1)[1]  # a model hub repo id: "heron-ai/Heron-V4-Pro"
    if not label or len(label) > 80:
        return None
    for candidate in (label, _strip_setting(label)):
        rec = _model_spelled(candidate)
        if rec:
            return str(rec["name"])
        shaped = shape_name(candidate)
        if shaped:
            rec = _model_spelled(shaped)
            return rec["name"] if rec else shaped
    return None


def _model_spelled(text: str) -> Optional[Record]:
    """The gazetteer's model named TEXT when the text spells one of its names (kb/text/keys.py `spelling`):
    "Llama2 7B" is the same model as a record called "Llama 2-7B" for the linker, but a name as written is
    kept rather than replaced by another spelling."""
    rec = gazetteer().model_index.get(name_key(text))
    if rec is None:
        return None
    written = spelling(text)
    return rec if any(spelling(s) == written for s in [rec["name"], *rec.get("aliases", [])]) else None


BENCH_SHAPE = re.compile(
    r"^(?:[A-Z][\w'\u2019.+-]*(?:[ -][\w'\u2019.+@-]+){0,5}?[ -]?(?:Bench|bench|Arena|Eval|QA|Exam|Index|Test|"
    r"Leaderboard|Verified|Diamond|Pro|Hard|Math|Olympiad)\b[\w .+-]*"
    r"|[A-Z][A-Z0-9]{2,}(?:[-\s][A-Za-z0-9.]+)*(?:\s\d{4})?)$")
NOT_BENCH = re.compile(r"\b(price|cost|tokens?|latency|speed|context|window|revenue|users?|parameters?|"
                       r"input|output|release|date|license|licence|model|size|throughput|total|average|"
                       r"region|net|returns?|invoice)\b", re.I)


def resolve_benchmark_name(text: str) -> Optional[str]:
    """Map a header/cell/prose text to a benchmark's canonical name, or None if it is not a benchmark."""
    label = clean_label(text)
    if not label or len(label) > 80:
        return None
    g = gazetteer()
    stripped = _strip_setting(label)
    unversioned = re.sub(r"\s+v\d+(?:\.\d+)*$", "", stripped)  # "Smarts Index v4.1"
    for candidate in (label, stripped):
        name = g.bench_index.get(name_key(candidate))
        if name:
            return name
    if unversioned != stripped and g.bench_index.get(name_key(unversioned)):
        name = g.bench_index[name_key(unversioned)]
        if name.endswith(" Index"):
            return name  # "Smarts Index v4.1": an index's revision is the same running index
        return f"{name} {stripped[len(unversioned):].strip()}"  # "BFCL v4" is another test set than "BFCL"
    base = _strip_setting(label)
    if NOT_BENCH.search(base) or resolve_model_name(base) or model_family(base):
        return None
    if re.search(rf"\b\d+(?:\.\d+)?\s+(?:{TIER_VARIANTS})$", base):
        return None  # "Nimbus 2 Pro" is shaped like a model, not a benchmark
    if BENCH_SHAPE.match(base) and base.lower() not in {"pro", "hard", "index"}:
        return base
    return None


def resolve_org_name(text: str) -> Optional[str]:
    """Canonical organisation name for an alias ("Acme AI" -> "Acme"), or None if unknown."""
    rec = gazetteer().org_index.get(name_key(clean_label(text), "org"))
    return rec["name"] if rec else None


def org_kind(name: str) -> Optional[str]:
    """lab | company | evaluator | outlet | university for a known organisation, else None."""
    rec = gazetteer().org_index.get(name_key(name or "", "org"))
    return rec.get("kind") if rec else None


def org_of_model(name: str) -> Optional[str]:
    """The organisation that makes a model (gazetteer first, then its family)."""
    g = gazetteer()
    rec = g.model_index.get(name_key(name or ""))
    if rec and rec.get("org"):
        return str(rec["org"])
    fam = model_family(name or "")
    return fam["org"] if fam else None


def resolve_license_name(text: str) -> Optional[str]:
    """Canonical licence name ("Apache-2.0" -> "Apache 2.0"), or None."""
    rec = gazetteer().license_index.get(name_key(clean_label(text)))
    return rec["name"] if rec else None
