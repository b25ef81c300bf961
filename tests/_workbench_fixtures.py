"""More articles for the analyst's workbench tests (compare, frontier, filters, reader, timeline layers).

The UI store (tests/_ui_fixtures.fill_store) plus four articles written for these tests, stored through
kb's real writer. Models and organizations are fictional; Llama 3.1 and Meta appear as facts only.
What they add:
- independent (evaluator) GPQA Diamond results, where the open Fjordline 3 beats the closed Aurora-2 Pro;
- a vendor value for Fjordline 3 on GPQA Diamond and a tie with Brightline 5 on CharXiv Reasoning;
- a planned release (Brightline 6 "will" open) on the same day as an actual closed stance;
- a model of no known organization (Kite-VL 7B) with a stance of its own;
- a person (Maren Solberg) with a role at Fjord AI;
- a second report of Brightline 5's 81.0 on CharXiv Reasoning, in a sentence of its own.
Offsets are real (the sentence's place in the text), as the extractor gives them.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace

from kb.store.claims import store_extraction
from kb.db import open_engine, session_scope, utcnow
from kb.models import Article
from kb.nlp.records import Extraction, ModelMention, OrgMention, PersonRole, ScoreClaim, StanceEvent
from tests._ui_fixtures import _at, fill_store

S_EVAL_FJORD = "In EvalHouse's own runs, Fjordline 3 scored 81.2% on GPQA Diamond, ahead of Aurora-2 Pro at 77.0%."
S_EVAL_LLAMA = "Llama 3.1 managed 51.0% on GPQA Diamond in the same sweep."
S_FJORD_OPEN = "Fjord AI released Fjordline 3 with open weights under the Apache 2.0 licence on Friday."
S_FJORD_GPQA = "Fjord AI says Fjordline 3 reaches 83.0% on GPQA Diamond and 81.0 on CharXiv Reasoning."
S_SOLBERG = "Maren Solberg, head of research at Fjord AI, said the team trained it on a modest cluster."
S_BRIGHT_PLAN = "Brightline Labs will release the weights of Brightline 6 later this year, the company said."
S_BRIGHT_NOW = "For now Brightline 5 remains available only through Brightline Labs' paid API."
S_BRIGHT_SCORE = "Brightline 5 still sits at 81.0 on CharXiv Reasoning, by Halcyon Research's March figures."
S_KITE = "The weights of Kite-VL 7B appeared on a public model hub under an MIT licence this week."


def _placed(text: str, item):
    """ITEM (a score, stance or role) with the offsets of its evidence sentence in TEXT."""
    start = text.index(item.evidence)
    return replace(item, start=start, end=start + len(item.evidence))


def _score(model, bench, value, sentence, **kw):
    return ScoreClaim(model=model, benchmark=bench, value=value, evidence=sentence, **kw)


WORKBENCH_ARTICLES = [
    dict(url="https://modelledger.example/evalhouse-gpqa-spring", title="EvalHouse's spring GPQA Diamond sweep",
         outlet="Model Ledger", published=_at(2026, 4, 2),
         text=f"{S_EVAL_FJORD} {S_EVAL_LLAMA}",
         extraction=Extraction(
             models=(ModelMention("Fjordline 3", org="Fjord AI", focal=True), ModelMention("Aurora-2 Pro"),
                     ModelMention("Llama 3.1", org="Meta")),
             scores=(_score("Fjordline 3", "GPQA Diamond", 81.2, S_EVAL_FJORD, unit="%", reported_by="EvalHouse",
                            reporter_kind="evaluator"),
                     _score("Aurora-2 Pro", "GPQA Diamond", 77.0, S_EVAL_FJORD, unit="%", reported_by="EvalHouse",
                            reporter_kind="evaluator"),
                     _score("Llama 3.1", "GPQA Diamond", 51.0, S_EVAL_LLAMA, unit="%", reported_by="EvalHouse",
                            reporter_kind="evaluator")),
         )),
    dict(url="https://openweights.example/fjordline-3", title="Fjord AI publishes Fjordline 3 weights",
         outlet="Open Weights Weekly", published=_at(2026, 3, 20),
         text=f"{S_FJORD_OPEN} {S_FJORD_GPQA} {S_SOLBERG}",
         extraction=Extraction(
             models=(ModelMention("Fjordline 3", org="Fjord AI", focal=True),),
             orgs=(OrgMention("Fjord AI", kind="lab"),),
             people=(PersonRole("Maren Solberg", org="Fjord AI", role="head of research", evidence=S_SOLBERG),),
             scores=(_score("Fjordline 3", "GPQA Diamond", 83.0, S_FJORD_GPQA, unit="%", reported_by="Fjord AI",
                            reporter_kind="vendor"),
                     _score("Fjordline 3", "CharXiv Reasoning", 81.0, S_FJORD_GPQA, reported_by="Fjord AI",
                            reporter_kind="vendor")),
             stances=(StanceEvent(org="Fjord AI", model="Fjordline 3", stance="open", license="Apache 2.0",
                                  evidence=S_FJORD_OPEN),),
         )),
    dict(url="https://signalwire.example/brightline-6-plans", title="Brightline plans to open Brightline 6",
         outlet="Signal Wire", published=_at(2026, 4, 10),
         text=f"{S_BRIGHT_PLAN} {S_BRIGHT_NOW} {S_BRIGHT_SCORE}",
         extraction=Extraction(
             models=(ModelMention("Brightline 6", org="Brightline Labs", focal=True),
                     ModelMention("Brightline 5", org="Brightline Labs")),
             orgs=(OrgMention("Brightline Labs", kind="lab"),),
             scores=(_score("Brightline 5", "CharXiv Reasoning", 81.0, S_BRIGHT_SCORE, reported_by="Halcyon Research",
                            reporter_kind="vendor"),),
             stances=(StanceEvent(org="Brightline Labs", model="Brightline 6", stance="open", planned=True,
                                  evidence=S_BRIGHT_PLAN),
                      StanceEvent(org="Brightline Labs", model="Brightline 5", stance="closed",
                                  evidence=S_BRIGHT_NOW)),
         )),
    dict(url="https://dailycompute.example/kite-vl-7b", title="Kite-VL 7B turns up on a model hub",
         outlet="Daily Compute", published=_at(2026, 4, 12),
         text=S_KITE,
         extraction=Extraction(
             models=(ModelMention("Kite-VL 7B", focal=True),),
             stances=(StanceEvent(org=None, model="Kite-VL 7B", stance="open", license="MIT", evidence=S_KITE),),
         )),
]


def fill_workbench_store(url: str) -> str:
    """The UI store plus WORKBENCH_ARTICLES, all through the real writer; returns URL."""
    fill_store(url)
    with session_scope(open_engine(url)) as session:
        for spec in WORKBENCH_ARTICLES:
            text = spec["text"]
            ex = spec["extraction"]
            ex = replace(ex, scores=tuple(_placed(text, s) for s in ex.scores),
                         stances=tuple(_placed(text, s) for s in ex.stances),
                         people=tuple(_placed(text, p) for p in ex.people))
            article = Article(
                url=spec["url"], url_hash=hashlib.sha256(spec["url"].encode()).hexdigest(),
                content_hash=hashlib.sha256(text.encode()).hexdigest(), title=spec["title"],
                outlet=spec["outlet"], original_outlet=None, published_at=spec["published"], fetched_at=utcnow(),
                language="en", text=text)
            session.add(article)
            session.flush()
            store_extraction(session, article, ex, extractor_version="ui-test")
    return url
