#!/usr/bin/env python3
"""Rebuild data/gazetteer/ from the Epoch AI and LLM-Stats snapshots plus the hand-curated facts.

    .venv/bin/python scripts/build_gazetteer.py [--shared /work/shared/data] [--out data/gazetteer]

Reads Epoch AI's model CSVs and LLM-Stats' organisation/model/benchmark/licence JSON (both CC BY 4.0,
see data/gazetteer/SOURCE.md), merges them with data/gazetteer/curated.json and writes compact JSON
Lines files: models.jsonl, orgs.jsonl, benchmarks.jsonl, licenses.jsonl, families.jsonl, people.jsonl.
Names that are ordinary words ("Gato", "Spider", "Include") are dropped so they cannot fire everywhere.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
csv.field_size_limit(sys.maxsize)

from kb.text.keys import name_key  # noqa: E402  (the extractor's and the linker's key: one rule for "same name")

# Ordinary words and ambiguous acronyms that appear as model/benchmark names in the sources.
STOPWORDS = {
    "arc", "if", "stem", "include", "meld", "spider", "nexus", "terminus", "math", "drop", "piqa",
    "crag", "nq", "lsat", "mme", "pope", "ruler", "frames", "general", "image", "agent", "vision",
    "sora", "claude", "gemini", "llama", "gpt", "bard", "chatgpt", "copilot", "alpha",
    "codex", "instruct", "chat", "base", "transformer", "seq2seq", "attention",
}
ORG_SPLIT = re.compile(r"\s*[,;/]\s*")


def is_noisy(name: str) -> bool:
    """True for names that would match ordinary prose (single plain words, very short or long names)."""
    words = name.split()
    if re.fullmatch(r"[a-z]\d", name):
        return False  # a lower-case letter and a digit ("o3") is a model's whole name, never a word of prose
    if len(name) < 3 or len(words) > 6 or name.lower() in STOPWORDS:
        return True
    if re.fullmatch(r"[\d.,]+\s*[KMBT]?", name):
        return True  # a size, year or date ("32B", "1.5B", "2017", "0520"): a parenthesised size is no nickname
    if len(words) == 1 and not re.search(r"\d", name):
        inner_caps = re.search(r"[a-z][A-Z]|[A-Z]{2}", name)
        return not inner_caps
    return False


def load_curated(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def org_index(curated: dict) -> dict[str, str]:
    """Map every known spelling of an organisation to its canonical name."""
    index = {}
    for org in curated["orgs"]:
        for alias in [org["name"], *org.get("aliases", [])]:
            index[name_key(alias, "org")] = org["name"]
    return index


def canonical_org(raw: str, orgs: dict[str, str]) -> str | None:
    """The first organisation of an Epoch 'Organization' cell, mapped to its canonical name."""
    if not raw:
        return None
    first = ORG_SPLIT.split(raw.strip())[0]
    first = re.sub(r"\s*\(.*?\)\s*", "", first).strip()
    return orgs.get(name_key(first, "org"), first or None)


def model_aliases(name: str) -> set[str]:
    """Spelling variants: hyphen <-> space between family and version, parenthesised nicknames."""
    out = set()
    m = re.match(r"^([A-Za-z]+)[- ](\d[\w.]*)(.*)$", name)
    if m:
        fam, ver, rest = m.groups()
        out.add(f"{fam} {ver}{rest}")
        out.add(f"{fam}-{ver}{rest}")
    nick = re.search(r"\(([^)]+)\)", name)
    if nick and not is_noisy(nick.group(1)):
        out.add(nick.group(1).strip())
    out.discard(name)
    return out


def add_model(models: dict, name: str, org, family=None, license_=None, open_weights=None, source="",
              aliases=()):
    name = re.sub(r"\s+", " ", name)
    aliases = [re.sub(r"\s+", " ", a) for a in sorted(aliases)]  # sets arrive here: a stable file order
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip() if "(" in name else name.strip()
    if not name or is_noisy(name):
        return
    key = name_key(name)
    rec = models.setdefault(key, {"name": name, "org": org, "family": family, "aliases": [],
                                  "license": license_, "open_weights": open_weights, "sources": []})
    rec["org"] = rec["org"] or org
    rec["family"] = rec["family"] or family
    rec["license"] = rec["license"] or license_
    if rec["open_weights"] is None:
        rec["open_weights"] = open_weights
    if source and source not in rec["sources"]:
        rec["sources"].append(source)
    for alias in [*aliases]:
        if alias != rec["name"] and alias not in rec["aliases"] and not is_noisy(alias):
            rec["aliases"].append(alias)


def family_of(name: str, families: list[dict]) -> str | None:
    for fam in sorted(families, key=lambda f: -len(f["family"])):
        if re.match(rf"^{re.escape(fam['family'])}(\b|[-\d])", name, re.I):
            return fam.get("parent") or fam["family"]
    return None


def epoch_models(shared: Path, models: dict, orgs: dict, families: list[dict]) -> None:
    access_open = {"Open weights (unrestricted)": True, "Open weights (non-commercial)": True,
                   "Open weights (restricted use)": True, "API access": False,
                   "Hosted access (no API)": False, "Unreleased": False}
    for fname in ("frontier_ai_models.csv", "notable_ai_models.csv", "large_scale_ai_models.csv"):
        path = shared / "epoch-ai" / "raw" / fname
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name = (row.get("Model") or "").strip()
                add_model(models, name, canonical_org(row.get("Organization", ""), orgs),
                          family_of(name, families), None,
                          access_open.get(row.get("Model accessibility", "")), "epoch",
                          model_aliases(name))


def llm_stats(shared: Path, models: dict, orgs: dict, families: list[dict], licenses: dict) -> dict:
    base = shared / "llm-stats" / "data"
    org_names = {}
    for org_file in sorted((base / "organizations").glob("*/organization.json")):
        data = json.loads(org_file.read_text(encoding="utf-8"))
        org_names[data["organization_id"]] = orgs.get(name_key(data["name"], "org"), data["name"])
    for model_file in sorted((base / "organizations").glob("*/models/*/model.json")):
        data = json.loads(model_file.read_text(encoding="utf-8"))
        lic = licenses.get(data.get("license_id") or "")
        open_w = None if lic is None else lic["open_weights"]
        add_model(models, data["name"], org_names.get(data.get("organization_id")),
                  family_of(data["name"], families), lic["name"] if lic else None, open_w,
                  "llm-stats", model_aliases(data["name"]) | {data["model_id"]} - {data["name"]})
    return org_names


def load_licenses(shared: Path, curated: dict) -> dict:
    """license_id -> {"name", "open_weights", "allow_commercial"}; curated names win."""
    curated_idx = {name_key(a): lic for lic in curated["licenses"] for a in [lic["name"], *lic["aliases"]]}
    out = {}
    for path in sorted((shared / "llm-stats" / "data" / "licenses").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        lid = data["license_id"]
        cur = curated_idx.get(name_key(data["name"]))
        open_w = None if lid == "unknown" else lid != "proprietary"
        out[lid] = {"name": cur["name"] if cur else data["name"], "open_weights": open_w,
                    "allow_commercial": data.get("allow_commercial")}
    return out


def benchmarks(shared: Path, curated: dict) -> list[dict]:
    out: dict[str, dict] = {}
    for bench in curated["benchmarks"]:
        out[name_key(bench["name"])] = {"name": bench["name"], "aliases": list(bench["aliases"])}
    alias_idx = {name_key(a): k for k, b in out.items() for a in b["aliases"]}
    for path in sorted((shared / "llm-stats" / "data" / "benchmarks").glob("*.json")):
        name = json.loads(path.read_text(encoding="utf-8"))["name"].strip()
        key = name_key(name)
        if key in out or key in alias_idx or is_noisy(name) or "_" in name:
            continue
        out[key] = {"name": name, "aliases": []}
    return sorted(out.values(), key=lambda b: b["name"].lower())


def write_jsonl(path: Path, rows) -> int:
    rows = list(rows)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return len(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "gazetteer")
    args = ap.parse_args(argv)
    curated = load_curated(args.out / "curated.json")
    orgs = org_index(curated)
    families = curated["families"]
    licenses = load_licenses(args.shared, curated)
    models: dict[str, dict] = {}
    for m in curated["models"]:
        add_model(models, m["name"], m["org"], m.get("family"), m.get("license"),
                  None if m.get("license") is None else m.get("license") != "proprietary", "curated",
                  set(m.get("aliases", [])) | model_aliases(m["name"]))
    llm_stats(args.shared, models, orgs, families, licenses)
    epoch_models(args.shared, models, orgs, families)
    org_rows = {name_key(o["name"], "org"): dict(o) for o in curated["orgs"]}
    for rec in models.values():
        if rec["org"] and name_key(rec["org"], "org") not in orgs and not is_noisy(rec["org"]):
            org_rows.setdefault(name_key(rec["org"], "org"), {"name": rec["org"], "kind": None, "aliases": []})
    counts = {
        "models": write_jsonl(args.out / "models.jsonl", sorted(models.values(), key=lambda r: r["name"].lower())),
        "orgs": write_jsonl(args.out / "orgs.jsonl", sorted(org_rows.values(), key=lambda r: r["name"].lower())),
        "benchmarks": write_jsonl(args.out / "benchmarks.jsonl", benchmarks(args.shared, curated)),
        "licenses": write_jsonl(args.out / "licenses.jsonl", curated["licenses"]),
        "families": write_jsonl(args.out / "families.jsonl", families),
        "people": write_jsonl(args.out / "people.jsonl", curated["people"]),
    }
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
