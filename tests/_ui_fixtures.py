"""A small, varied store for the UI tests: our own AI-news articles, stored through kb's real writer.

Each article is (metadata, text, extraction). The text is written for these tests; the extraction is
what the extractor should find in it, handed to kb.store.claims.store_extraction, the store's only writer.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from kb.store.claims import store_extraction
from kb.db import open_engine, session_scope, utcnow
from kb.store.linking import link
from kb.models import Article, StanceEvent as StanceRow
from kb.nlp.records import Extraction, ModelMention, OrgMention, PersonRole, ScoreClaim, StanceEvent

HOSTILE_TITLE = "<script>alert('x')</script> **Bold** [click](javascript:alert(1)) :red[boo]"


def _at(y, m, d):
    return datetime(y, m, d, 12, 0, tzinfo=timezone.utc)


def _score(model, bench, value, sentence, **kw):
    return ScoreClaim(model=model, benchmark=bench, value=value, evidence=sentence, **kw)


S_AURORA = ("Halcyon Research said on Monday that Aurora-2 Pro reached 86.4 on CharXiv Reasoning, "
            "edging out Brightline 5, which posted 81.0 on the same chart-reading test.")
S_AURORA_GPQA = "On GPQA Diamond the new Aurora-2 Pro model lands at 79.5% with tools enabled."
S_EVALHOUSE = ("Independent testers at EvalHouse put Aurora-2 Pro nearer 84.9 on CharXiv Reasoning, "
               "though they cautioned the figure may shift as prompts are tuned.")
S_META_OPEN = "Meta published the weights of Llama 3.1 under its community licence, letting anyone run the model."
S_META_CLOSED = ("Meta now plans to keep its next frontier model, code-named Hyperion, closed and reachable "
                 "only through its own apps and API.")
S_HALCYON_CLOSED = "Halcyon Research will not release Aurora-2 Pro's weights; it stays behind the company's paid API."
S_WHITFIELD = "Dana Whitfield, chief scientist at Halcyon Research, called the result a turning point."
S_HOSTILE = "Quillfeather 2 scored 55.5 on SWE-bench Verified <b>in a noisy run</b> [see](javascript:alert(1))."

ARTICLES = [
    dict(url="https://signalwire.example/aurora-2-pro", title="Halcyon's Aurora-2 Pro leads chart reasoning",
         outlet="Signal Wire", original_outlet=None, published=_at(2026, 3, 2),
         text=f"{S_AURORA} {S_AURORA_GPQA} {S_WHITFIELD} {S_HALCYON_CLOSED}",
         extraction=Extraction(
             title="Halcyon's Aurora-2 Pro leads chart reasoning",
             models=(ModelMention("Aurora-2 Pro", org="Halcyon Research", focal=True, mentions=3),
                     ModelMention("Brightline 5", org="Brightline Labs")),
             orgs=(OrgMention("Halcyon Research", kind="lab"),),
             people=(PersonRole("Dana Whitfield", org="Halcyon Research", role="chief scientist",
                                evidence=S_WHITFIELD),),
             scores=(_score("Aurora-2 Pro", "CharXiv Reasoning", 86.4, S_AURORA, reported_by="Halcyon Research",
                            reporter_kind="vendor"),
                     _score("Brightline 5", "CharXiv Reasoning", 81.0, S_AURORA, reported_by="Halcyon Research",
                            reporter_kind="vendor"),
                     _score("Aurora-2 Pro", "GPQA Diamond", 79.5, S_AURORA_GPQA, unit="%",
                            qualifier="with tools", reported_by="Halcyon Research", reporter_kind="vendor")),
             stances=(StanceEvent(org="Halcyon Research", model="Aurora-2 Pro", stance="closed",
                                  evidence=S_HALCYON_CLOSED),),
         )),
    dict(url="https://dailycompute.example/wire/aurora", title="Aurora-2 Pro posts a new chart-reasoning high",
         outlet="Daily Compute", original_outlet="Signal Wire", published=_at(2026, 3, 3),
         text=S_AURORA,
         extraction=Extraction(
             models=(ModelMention("Aurora-2 Pro", org="Halcyon Research", focal=True),),
             scores=(_score("Aurora-2 Pro", "CharXiv Reasoning", 86.4, S_AURORA, reported_by="Halcyon Research",
                            reporter_kind="vendor"),),
         )),
    dict(url="https://modelledger.example/evalhouse-aurora", title="EvalHouse re-runs Aurora-2 Pro",
         outlet="Model Ledger", original_outlet=None, published=_at(2026, 3, 9),
         text=S_EVALHOUSE,
         extraction=Extraction(
             models=(ModelMention("Aurora-2 Pro", org="Halcyon Research", focal=True),),
             scores=(_score("Aurora-2 Pro", "CharXiv Reasoning", 84.9, S_EVALHOUSE, reported_by="EvalHouse",
                            reporter_kind="evaluator", hedged=True),),
         )),
    dict(url="https://openweights.example/llama-3-1", title="Meta opens Llama 3.1 weights",
         outlet="Open Weights Weekly", original_outlet=None, published=_at(2024, 7, 23),
         text=S_META_OPEN,
         extraction=Extraction(
             models=(ModelMention("Llama 3.1", org="Meta", family="Llama", focal=True),),
             orgs=(OrgMention("Meta", kind="company"),),
             stances=(StanceEvent(org="Meta", model="Llama 3.1", stance="open", license="Llama 3.1 Community",
                                  evidence=S_META_OPEN),),
         )),
    dict(url="https://signalwire.example/meta-hyperion", title="Meta to keep Hyperion closed",
         outlet="Signal Wire", original_outlet=None, published=_at(2026, 1, 15),
         text=S_META_CLOSED,
         extraction=Extraction(
             models=(ModelMention("Hyperion", org="Meta", focal=True),),
             orgs=(OrgMention("Meta", kind="company"),),
             stances=(StanceEvent(org="Meta", model="Hyperion", stance="closed", planned=False,
                                  evidence=S_META_CLOSED),),
         )),
    dict(url="javascript:alert(1)", title=HOSTILE_TITLE,
         outlet="Scraped <i>Blog</i>", original_outlet=None, published=_at(2026, 2, 10),
         text=S_HOSTILE,
         extraction=Extraction(
             models=(ModelMention("Quillfeather 2", focal=True),),
             scores=(_score("Quillfeather 2", "SWE-bench Verified", 55.5, S_HOSTILE, reported_by="Scraped Blog",
                            reporter_kind="outlet"),),
         )),
]


def fill_store(url: str) -> str:
    """Store every test article and its extraction in the database at URL; returns URL."""
    engine = open_engine(url)
    with session_scope(engine) as session:
        for spec in ARTICLES:
            digest = hashlib.sha256(spec["url"].encode()).hexdigest()
            article = Article(
                url=spec["url"], url_hash=digest, content_hash=hashlib.sha256(spec["text"].encode()).hexdigest(),
                title=spec["title"], outlet=spec["outlet"], original_outlet=spec["original_outlet"],
                published_at=spec["published"], fetched_at=utcnow(), language="en", text=spec["text"],
            )
            session.add(article)
            session.flush()
            store_extraction(session, article, spec["extraction"], extractor_version="ui-test")
        # Reference history (what the reference loader stores): Llama 2 shipped with open weights in
        # July 2023 (fact per Meta's release; Epoch AI lists it as open).
        meta, _ = link(session, "org", "Meta")
        session.add(StanceRow(event_key="ui-test-ref-llama2", org_id=meta.id, model_name="Llama 2", stance="open",
                              license="Llama 2 Community", origin="reference", reference_source="Epoch AI",
                              occurred_at=_at(2023, 7, 18), created_at=utcnow()))
    return url
