"""Fill a database with a large synthetic knowledge base: >= 1,000,000 score claims over 200,000 articles.

Realistic shapes, not real facts: models and benchmarks drawn from Zipf distributions (a few very
popular, a long tail), publication dates over three years (rows stored in publication order, as a
live store ingests them), 40 outlets of which some syndicate others'
stories (copies name their original outlet), ~30% of claims reported by more than one article,
settings ("pass@1", "with tools") on a quarter of them, stance events and people's roles.

Rows go in through executemany (SQLite) or COPY (PostgreSQL) on the migrated schema, so the search
triggers and indexes of migration 0003 are exercised exactly as in production. On PostgreSQL the
secondary indexes are dropped during the load and recreated after (much faster than maintaining them).

    .venv/bin/python bench/gen_claims.py sqlite:///scratch/bench.sqlite3
    .venv/bin/python bench/gen_claims.py postgresql+psycopg://postgres@127.0.0.1:5432/aikb_bench
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.db import open_engine  # noqa: E402
from kb.read.facets import backfill_sql  # noqa: E402
from kb.text.keys import name_key  # noqa: E402

FAMILIES = ["Aurora", "Nimbus", "Kestrel", "Osprey", "Heron", "Lumen", "Quill", "Tessera", "Vireo", "Cobalt",
            "Marlin", "Sable", "Juniper", "Halcyon", "Zephyr", "Basalt", "Cirrus", "Onyx", "Pylon", "Wren"]
VARIANTS = ["", " Pro", " Mini", " Flash", " Ultra", " Turbo", " Lite", " Max", " Instruct", " Reasoning"]
BENCH_A = ["Logic", "Math", "Code", "Chart", "Med", "Law", "Agent", "Vision", "Tool", "Web", "Science", "Story",
           "Graph", "Proof", "Table", "Audio", "Chem", "Geo", "Fin", "Plan"]
BENCH_B = ["Bench", "Eval", "QA", "Arena", "Suite", "Exam", "Trials", "Gauntlet", "Set", "Quest", "Pro", "Hard",
           "Lite", "Verified", "Reasoning"]
QUALIFIERS = ["pass@1", "with tools", "no tools", "5-shot", "0-shot", "high compute", "thinking mode"]
OUTLETS = [f"{a} {b}" for a, b in itertools.product(
    ["Silicon", "Model", "Frontier", "Tensor", "Compute", "Daily", "Open", "Signal"],
    ["Wire", "Ledger", "Report", "Digest", "Weekly"])]
VERBS = ["scored", "reached", "posted", "hit", "achieved", "recorded", "logged"]
REPORTERS = [("vendor", "its developer"), ("evaluator", "an independent evaluator"), ("outlet", "our own testing")]
START = datetime(2023, 12, 1, tzinfo=timezone.utc)
SPAN_DAYS = 3 * 365


def zipf_weights(n: int, s: float = 1.07) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank ** s) for rank in range(1, n + 1)))


def build(url: str, *, claims: int, articles: int, seed: int) -> dict:
    rnd = random.Random(seed)
    engine = open_engine(url)
    raw = engine.raw_connection()
    pg = engine.dialect.name != "sqlite"
    cur = raw.cursor()
    now = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    if not pg:
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-400000")
    dropped = _drop_indexes(cur) if pg else _drop_sqlite_indexes(cur)

    # 1. entities: orgs, models (each with a maker), benchmarks, people
    orgs = [f"{f} Labs" for f in FAMILIES] + [f"{a} AI" for a in BENCH_A] + [f"{o} Research" for o in OUTLETS[:20]]
    models = [f"{f} {v}{var}" for f in FAMILIES for v in ("1", "1.5", "2", "2.5", "3", "3.1", "4", "4.5", "5", "5.4")
              for var in VARIANTS]
    benches = [f"{a}{b}" for a in BENCH_A for b in BENCH_B]
    people = [f"{fn} {ln}" for fn, ln in itertools.product(
        ["Ada", "Bram", "Chen", "Dara", "Elif", "Femi", "Goran", "Hana", "Ivo", "Jun"],
        ["Okafor", "Lindqvist", "Tanaka", "Moreau", "Silva", "Novak", "Haddad", "Kowal", "Reyes", "Brandt"])]
    rnd.shuffle(models)
    rnd.shuffle(benches)
    ids = itertools.count(1)
    entity_rows, org_id, model_id, bench_id, person_id = [], {}, {}, {}, {}
    for name in orgs:
        org_id[name] = next(ids)
        entity_rows.append((org_id[name], "org", name, name_key(name, "org"), None, None, "news", now))
    for name in models:
        model_id[name] = next(ids)
        maker = f"{name.split()[0]} Labs"
        entity_rows.append((model_id[name], "model", name, name_key(name), org_id[maker], name.split()[0], "news", now))
    for name in benches:
        bench_id[name] = next(ids)
        entity_rows.append((bench_id[name], "benchmark", name, name_key(name), None, None, "news", now))
    for name in people:
        person_id[name] = next(ids)
        entity_rows.append((person_id[name], "person", name, name_key(name), None, None, "news", now))
    _insert(cur, pg, "entity", ["id", "kind", "name", "key", "org_id", "family", "origin", "created_at"],
            entity_rows)

    # 2. articles: dates over three years; 15% are syndicated copies naming their original outlet
    art_rows, art_meta = [], []
    # stored roughly as published (a live store ingests the news as it appears): ids follow dates
    dates = sorted(START + timedelta(seconds=rnd.randrange(SPAN_DAYS * 86400)) for _ in range(articles))
    for i, published in enumerate(dates, start=1):
        outlet = rnd.choice(OUTLETS)
        original = rnd.choice(OUTLETS) if rnd.random() < 0.15 else None
        focal = rnd.choices(models, cum_weights=MODEL_W[len(models)], k=1)[0]
        title = f"{focal} {rnd.choice(['arrives', 'tops the charts', 'trails rivals', 'is tested', 'ships'])}"
        art_meta.append((i, published, outlet, original, focal))
        art_rows.append((i, f"https://{outlet.lower().replace(' ', '')}.example/{i}",
                         hashlib.sha1(f"u{i}".encode()).hexdigest(), hashlib.sha1(f"c{i}".encode()).hexdigest(),
                         title, outlet, original, published, published, None))
    texts = {}

    # 3. claims: Zipf model and benchmark, a value, sometimes a setting; 30% get a second or third source
    claim_rows, source_rows, keys = [], [], set()
    cs_id = itertools.count(1)
    claim_id = 0
    mw, bw = MODEL_W[len(models)], zipf_weights(len(benches), 1.0)
    while claim_id < claims:
        art_id, published, outlet, original, focal = art_meta[rnd.randrange(articles)]
        model = focal if rnd.random() < 0.4 else rnd.choices(models, cum_weights=mw, k=1)[0]
        bench = rnd.choices(benches, cum_weights=bw, k=1)[0]
        value = round(rnd.uniform(10, 99), 1)
        qual = rnd.choice(QUALIFIERS) if rnd.random() < 0.25 else None
        key = hashlib.sha1(f"{model_id[model]}|{bench_id[bench]}|{qual}|{value}".encode()).hexdigest()
        if key in keys:
            continue
        keys.add(key)
        claim_id += 1
        kind, who = rnd.choice(REPORTERS)
        evidence = (f"{model} {rnd.choice(VERBS)} {value} on {bench}"
                    f"{' (' + qual + ')' if qual else ''}, according to {who}.")
        texts.setdefault(art_id, []).append(evidence)
        reports = [(art_id, published, outlet, original)]
        for _ in range(rnd.choices([0, 1, 2], weights=[70, 22, 8])[0]):
            a = art_meta[rnd.randrange(articles)]
            reports.append((a[0], a[1], a[2], a[3]))
        seen_art, outlets = set(), set()
        for a_id, pub, out, orig in reports:
            if a_id in seen_art:
                continue
            seen_art.add(a_id)
            outlets.add(orig or out)
            source_rows.append((next(cs_id), claim_id, a_id, kind, who, rnd.random() < 0.1, evidence, 0,
                                len(evidence), orig or out, pub, "bench-1"))
        first_pub, first_art = min((p, a) for a, p, _, _ in reports)
        claim_rows.append((claim_id, key, model_id[model], bench_id[bench], value, rnd.choice(["%", "score"]),
                           qual, first_pub, first_art, len(outlets), now))
    # reports stored in publication order too, so "newest report first" is also "highest id first"
    source_rows.sort(key=lambda r: (r[10], r[0]))
    source_rows = [(n, *r[1:]) for n, r in enumerate(source_rows, start=1)]
    art_rows = [row[:9] + (" ".join(texts.get(row[0], [])) or f"{row[4]}.",) for row in art_rows]
    _insert(cur, pg, "article", ["id", "url", "url_hash", "content_hash", "title", "outlet", "original_outlet",
                                 "published_at", "fetched_at", "text"], art_rows)
    print(f"  articles {len(art_rows):,} in {time.perf_counter() - t0:.0f}s", flush=True)
    _insert(cur, pg, "scoreclaim", ["id", "claim_key", "model_id", "benchmark_id", "value", "unit", "qualifier",
                                    "first_reported_at", "first_article_id", "corroboration", "created_at"],
            claim_rows)
    print(f"  claims {len(claim_rows):,} in {time.perf_counter() - t0:.0f}s", flush=True)
    _insert(cur, pg, "claimsource", ["id", "claim_id", "article_id", "reporter_kind", "reported_by", "hedged",
                                     "evidence", "start", '"end"' if pg else "end", "outlet", "published_at",
                                     "extractor_version"], source_rows)
    print(f"  sources {len(source_rows):,} in {time.perf_counter() - t0:.0f}s", flush=True)

    # 4. stances (each lab opens or closes models over time), people's roles, article mentions
    stance_rows, role_rows, mention_rows = [], [], []
    for n in range(20_000):
        a_id, published, *_ , focal = art_meta[rnd.randrange(articles)]
        maker = org_id[f"{focal.split()[0]} Labs"]
        stance = "open" if (published.year + FAMILIES.index(focal.split()[0])) % 2 else "closed"
        stance_rows.append((n + 1, hashlib.sha1(f"s{n}".encode()).hexdigest(), maker, model_id[focal], focal,
                            stance, None, rnd.random() < 0.05, "news", a_id,
                            f"{focal} is {'released with open weights' if stance == 'open' else 'kept closed'}.",
                            published, "bench-1", now))
    role_keys = set()
    for _ in range(20_000):
        a_id, published, *_, focal = art_meta[rnd.randrange(articles)]
        role = (person_id[rnd.choice(people)], org_id[f"{focal.split()[0]} Labs"],
                rnd.choice(["CEO", "chief scientist", "head of research", "CTO"]), a_id)
        if role not in role_keys:
            role_keys.add(role)
            role_rows.append((len(role_rows) + 1, *role, published, "bench-1"))
    for a_id, *_, focal in art_meta:
        mention_rows.append((a_id, model_id[focal], "focal", rnd.randint(1, 6)))
    _insert(cur, pg, "stanceevent", ["id", "event_key", "org_id", "model_id", "model_name", "stance", "license",
                                     "planned", "origin", "article_id", "evidence", "occurred_at",
                                     "extractor_version", "created_at"], stance_rows)
    _insert(cur, pg, "personrole", ["id", "person_id", "org_id", "role", "article_id", "seen_at",
                                    "extractor_version"], role_rows)
    _insert(cur, pg, "articleentity", ["article_id", "entity_id", "role", "mentions"], mention_rows)
    if pg:
        _restore_indexes(cur, dropped)
        for table in ("entity", "article", "scoreclaim", "claimsource", "stanceevent", "personrole"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    if not pg:
        cur.execute(backfill_sql("sqlite"))  # the search triggers that compute each report's facet terms were off
        for statement in dropped:  # indexes and search triggers back, then the FTS5 tables in one pass
            cur.execute(statement)
        cur.execute("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")
        cur.execute("INSERT INTO claimsource_fts(claimsource_fts) VALUES ('rebuild')")
    raw.commit()
    if not pg:
        cur.execute("ANALYZE")
        raw.commit()
    raw.close()
    if pg:  # VACUUM cannot run in a transaction; it also sets the visibility map for index-only scans
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return {"articles": len(art_rows), "claims": len(claim_rows), "sources": len(source_rows),
            "stances": len(stance_rows), "roles": len(role_rows), "seconds": round(time.perf_counter() - t0, 1)}


MODEL_W = {n: zipf_weights(n) for n in (len(FAMILIES) * 10 * len(VARIANTS),)}
TABLES = ("article", "scoreclaim", "claimsource", "stanceevent", "personrole", "articleentity")


def _insert(cur, pg: bool, table: str, columns: list[str], rows: list[tuple]) -> None:
    if pg:
        with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        cur.executemany(f'INSERT INTO {table} ({", ".join(columns)}) VALUES ({marks})',
                        [tuple(_sqlite_time(v) if isinstance(v, datetime) else v for v in r) for r in rows])


def _sqlite_time(value: datetime) -> str:
    """The text form SQLModel's UTCDateTime stores on SQLite (naive UTC with microseconds)."""
    return value.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _drop_indexes(cur) -> list[str]:
    """Drop the secondary (non-constraint) indexes of the big tables; returns their definitions."""
    cur.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s)
                   AND indexname NOT IN (SELECT conname FROM pg_constraint)""", (list(TABLES),))
    defs = cur.fetchall()
    for name, _ in defs:
        cur.execute(f'DROP INDEX "{name}"')
    return [d for _, d in defs]


def _drop_sqlite_indexes(cur) -> list[str]:
    """SQLite: drop the big tables' secondary indexes and search triggers; returns their CREATE statements.

    Building an index once over sorted data, and the FTS5 index with one 'rebuild', is several times
    faster than maintaining them row by row.
    """
    marks = ", ".join("?" for _ in TABLES)
    cur.execute(f"SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                f"AND sql IS NOT NULL AND tbl_name IN ({marks})", TABLES)
    found = cur.fetchall()
    for kind, name, _ in found:
        cur.execute(f'DROP {kind.upper()} "{name}"')
    return [sql for _, _, sql in found]


def _restore_indexes(cur, defs: list[str]) -> None:
    cur.execute("SET maintenance_work_mem = '512MB'")
    for definition in defs:
        cur.execute(definition)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="database URL (an empty, new database)")
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"filling {args.url} ...", flush=True)
    print(build(args.url, claims=args.claims, articles=args.articles, seed=args.seed))


if __name__ == "__main__":
    main()
