"""How long alert evaluation takes over a large store: prints figures, asserts nothing.

Builds a fresh SQLite database (or uses --db URL, e.g. an empty PostgreSQL database) with N score
claims from N/5 articles, adds rules of every kind, then times: the first evaluation (half the claims
arrive after the rules), a second one (nothing new: the steady state of every ingest run), and
delivery planning for inbox-only rules.

    .venv/bin/python bench/alerts_bench.py --claims 20000
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session

from kb.alerts import add_rule, deliver, evaluate
from kb.db import open_engine, utcnow
from kb.models import Article, ClaimSource, Entity, ScoreClaim, StanceEvent
from kb.settings import Settings


def _fill(session: Session, n: int, start, tag: str) -> None:
    orgs = [Entity(kind="org", name=f"Org {tag}{i}", key=f"org{tag}{i}", created_at=start) for i in range(20)]
    session.add_all(orgs)
    session.flush()
    models = [Entity(kind="model", name=f"Model {tag}{i}", key=f"model{tag}{i}", org_id=orgs[i % 20].id,
                     created_at=start) for i in range(200)]
    benches = [Entity(kind="benchmark", name=f"Bench {tag}{i}", key=f"bench{tag}{i}", created_at=start)
               for i in range(30)]
    session.add_all(models + benches)
    session.flush()
    for a in range(n // 5):
        url = f"https://bench.example/{tag}/{a}"
        art = Article(url=url, url_hash=hashlib.sha256(url.encode()).hexdigest(), content_hash=str(a),
                      title=f"Results {a}", outlet="Bench Wire", fetched_at=start, published_at=start,
                      text="")
        session.add(art)
        session.flush()
        for k in range(5):
            i = a * 5 + k
            c = ScoreClaim(claim_key=hashlib.sha1(f"{tag}{i}".encode()).hexdigest(),
                           model_id=models[i % 200].id, benchmark_id=benches[i % 30].id,
                           value=float(i % 997) / 10, unit="%", first_reported_at=start,
                           first_article_id=art.id, created_at=start)
            session.add(c)
            session.flush()
            session.add(ClaimSource(claim_id=c.id, article_id=art.id, evidence=f"Model scored {c.value}.",
                                    outlet="Bench Wire", published_at=start, extractor_version="bench"))
        if a % 50 == 0:
            session.add(StanceEvent(event_key=f"{tag}{a}", org_id=orgs[a % 20].id, stance="open" if a % 100 else
                                    "closed", article_id=art.id, occurred_at=start + timedelta(seconds=a),
                                    created_at=start))
    session.commit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=20000)
    ap.add_argument("--db", default=None, help="database URL (default: a new SQLite file)")
    args = ap.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    engine = open_engine(url)
    settings = Settings(database_url=url)
    with Session(engine) as s:
        t = time.perf_counter()
        _fill(s, args.claims // 2, utcnow() - timedelta(days=3), "old")  # history before the rules
        made = utcnow() - timedelta(days=2)
        for on in ("new-score", "new-record", "stance-shift", "stance-event", "new-model"):
            add_rule(s, on=on, now=made)
        add_rule(s, on="new-score", benchmark="Bench new3", min_value=50, now=made)
        add_rule(s, on="search", query="scored", now=made)
        s.commit()
        _fill(s, args.claims // 2, utcnow() - timedelta(days=1), "new")  # arrivals after the rules
        print(f"store: {args.claims} claims, {args.claims // 5} articles in {time.perf_counter() - t:.1f}s ({url.split(':')[0]})")
        t = time.perf_counter()
        first = evaluate(s, settings)
        s.commit()
        t1 = time.perf_counter() - t
        print(f"evaluate, first run: {first.created} alerts from 7 rules in {t1:.2f}s "
              f"({first.created / t1:.0f} alerts/s)")
        t = time.perf_counter()
        again = evaluate(s, settings)
        s.commit()
        print(f"evaluate, nothing new: {again.created} alerts in {(time.perf_counter() - t) * 1000:.0f} ms")
        _fill(s, 100, utcnow(), "fresh")  # one ingest run's worth, inside the re-read window
        t = time.perf_counter()
        fresh = evaluate(s, settings)
        s.commit()
        print(f"evaluate, 100 fresh claims: {fresh.created} alerts in {(time.perf_counter() - t) * 1000:.0f} ms")
        t = time.perf_counter()
        summary = deliver(s, settings)
        print(f"deliver (inbox-only rules): {summary.planned} planned in {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
