"""End to end: a rule on CharXiv Reasoning, an article ingested through the real pipeline (real spaCy
extractor), evaluated and delivered to a real webhook receiver and SMTP server; ingesting it again
sends nothing. The article is written for this test."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from kb.alerts import add_rule, deliver, list_alerts
from kb.db import open_engine
from kb.models import Alert, Entity, ScoreClaim
from tests._alert_fixtures import SmtpSink, WebhookReceiver, settings_for

ARTICLE = """Northwind Labs shows off chart reading in its newest model

Northwind Labs on Tuesday introduced Corvid 2, a multimodal model that the company says reads scientific
figures better than its rivals.

On CharXiv Reasoning, Corvid 2 scores 84.1, ahead of GPT-5.4 (82.8) and Gemini 3.1 Pro (80.2), according to
the comparison table the lab published with the release.

The lab also reported 61.0 on MMMU-Pro for Corvid 2, a benchmark where it trails the leaders.
"""


@pytest.fixture(scope="module")
def nlp():
    pipeline = pytest.importorskip("kb.nlp.pipeline")
    return pipeline.load_nlp()


def test_charxiv_rule_alerts_once_per_claim_on_every_channel(db_url, nlp, tmp_path):
    from kb.pipeline.run import ingest_article

    engine = open_engine(db_url)
    path = tmp_path / "northwind-corvid-2.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    with WebhookReceiver() as hook, SmtpSink() as smtp:
        settings = settings_for(db_url, smtp.port)
        with Session(engine) as s:
            rule = add_rule(s, on="new-score", benchmark="CharXiv Reasoning", webhook=hook.url,
                            email="desk@example.org")
            s.commit()
        # ingest evaluates the rules at the end of its run and delivers the messages itself
        ingest_article(engine, settings, str(path), nlp)
        with Session(engine) as s:
            bench = s.exec(select(Entity.id).where(Entity.kind == "benchmark", Entity.key == "charxivreasoning")).one()
            claims = set(s.exec(select(ScoreClaim.claim_key).where(ScoreClaim.benchmark_id == bench)).all())
            others = set(s.exec(select(ScoreClaim.claim_key).where(ScoreClaim.benchmark_id != bench)).all())
            assert claims, "the extractor found no CharXiv Reasoning score in the article"
            alerted = set(s.exec(select(Alert.dedupe_key).where(Alert.rule_id == rule.id)).all())
            assert alerted == claims and not alerted & others
            assert len(list_alerts(s, unread_only=True)) == len(claims)
            assert deliver(s, settings, backoff=0.01).sent == 0  # nothing was left for a separate run
        assert sorted(p["alert"]["dedupe_key"] for p in hook.received) == sorted(claims)
        assert len(smtp.messages) == len(claims)
        assert all("CharXiv Reasoning" in m["Subject"] for m in smtp.messages)
        # a second ingest of the same article, and a second delivery run: nothing new anywhere
        ingest_article(engine, settings, str(path), nlp)
        with Session(engine) as s:
            assert deliver(s, settings, force=True).sent == 0
            assert len(s.exec(select(Alert)).all()) == len(claims)
        assert len(hook.received) == len(claims) and len(smtp.messages) == len(claims)
        # re-extracting every article (claims re-linked, stance rows re-created): still nothing
        from kb.pipeline.reextract import reextract

        assert reextract(engine, nlp, all=True).articles == 1
        with Session(engine) as s:
            from kb.alerts import evaluate

            assert evaluate(s, settings).created == 0
            s.commit()
            assert deliver(s, settings, force=True).sent == 0
        assert len(hook.received) == len(claims) and len(smtp.messages) == len(claims)
