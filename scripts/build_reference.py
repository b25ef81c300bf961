"""Build data/reference/stances.jsonl: organizations' open-versus-closed history before the news corpus.

Sources (both CC BY 4.0; attribution in data/reference/SOURCE.md):
- Epoch AI, "Data on AI Models": each model's "Model accessibility" and publication date.
- LLM-Stats: each model's licence (open licence -> open weights, "Proprietary" -> closed) and release date.

Only language and multimodal models released from 2019 on are kept (the models the news tracks);
unreleased models and unknown accessibility or licence are skipped. One row per (org, model): the
LLM-Stats row when it has a licence, else Epoch's. Organization names are mapped to the gazetteer's
canonical names ("Meta AI" -> "Meta").

Reads ../shared/data (not available to users or tests); the output file is committed.

    .venv/bin/python scripts/build_reference.py [--shared /work/shared/data]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.read.lookup import name_key  # noqa: E402

OUT = ROOT / "data" / "reference" / "stances.jsonl"
EPOCH_FILES = ("frontier_ai_models.csv", "large_scale_ai_models.csv", "notable_ai_models.csv")
FIRST_YEAR = "2019"


def org_names() -> dict[str, str]:
    """name_key(any spelling) -> the gazetteer's canonical organization name."""
    canon: dict[str, str] = {}
    path = ROOT / "data" / "gazetteer" / "orgs.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for spelling in [row["name"], *row.get("aliases", [])]:
            canon.setdefault(name_key(spelling, "org"), row["name"])
    return canon


def epoch_stance(accessibility: str) -> str | None:
    text = accessibility.strip().lower()
    if text.startswith("open weights"):
        return "open"
    if text.startswith(("api access", "hosted access")):
        return "closed"
    return None  # unreleased or unknown


def epoch_rows(shared: Path, canon: dict[str, str]) -> list[dict]:
    rows: dict[tuple, dict] = {}
    for filename in EPOCH_FILES:
        with open(shared / "epoch-ai" / "raw" / filename, encoding="utf-8", newline="") as handle:
            for rec in csv.DictReader(handle):
                stance = epoch_stance(rec.get("Model accessibility") or "")
                date = (rec.get("Publication date") or "").strip()[:10]
                domain = (rec.get("Domain") or "").lower()
                if not stance or date < FIRST_YEAR or not ("language" in domain or "multimodal" in domain):
                    continue
                org_raw = (rec.get("Organization") or "").split(",")[0].strip()
                org = canon.get(name_key(org_raw, "org"), org_raw)
                model = rec["Model"].strip()
                if not org or not model:
                    continue
                note = rec["Model accessibility"].strip()
                rows.setdefault((name_key(org, "org"), name_key(model)), {
                    "org": org, "model": model, "stance": stance, "license": None,
                    "accessibility": note, "date": date, "source": "Epoch AI"})
    return list(rows.values())


def llm_stats_rows(shared: Path, canon: dict[str, str]) -> list[dict]:
    base = shared / "llm-stats" / "data"
    licences = {}
    for path in (base / "licenses").glob("*.json"):
        rec = json.loads(path.read_text(encoding="utf-8"))
        licences[rec["license_id"]] = rec["name"].strip()
    out = []
    for org_dir in sorted((base / "organizations").iterdir()):
        org_rec = json.loads((org_dir / "organization.json").read_text(encoding="utf-8"))
        org = canon.get(name_key(org_rec["name"], "org"), org_rec["name"])
        for model_file in sorted(org_dir.glob("models/*/model.json")):
            rec = json.loads(model_file.read_text(encoding="utf-8"))
            licence = licences.get(rec.get("license_id") or "", "")
            if not licence or licence.lower() == "unknown":
                continue
            stance = "closed" if licence.lower() == "proprietary" else "open"
            date = (rec.get("release_date") or rec.get("announcement_date") or "")[:10]
            if not date or date < FIRST_YEAR:
                continue
            out.append({"org": org, "model": rec["name"].strip(), "stance": stance,
                        "license": None if stance == "closed" else licence, "accessibility": None,
                        "date": date, "source": "LLM-Stats"})
    return out


def build(shared: Path) -> list[dict]:
    canon = org_names()
    merged: dict[tuple, dict] = {}
    for row in epoch_rows(shared, canon):
        merged[(name_key(row["org"], "org"), name_key(row["model"]))] = row
    for row in llm_stats_rows(shared, canon):
        key = (name_key(row["org"], "org"), name_key(row["model"]))
        epoch = merged.get(key)
        if epoch is not None and epoch["stance"] == row["stance"]:
            row = {**row, "source": "LLM-Stats; Epoch AI", "date": min(row["date"], epoch["date"]),
                   "accessibility": epoch["accessibility"]}
        merged[key] = row
    return sorted(merged.values(), key=lambda r: (r["date"], r["org"], r["model"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    rows = build(args.shared)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    opened = sum(r["stance"] == "open" for r in rows)
    print(f"wrote {len(rows)} rows ({opened} open, {len(rows) - opened} closed) to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
