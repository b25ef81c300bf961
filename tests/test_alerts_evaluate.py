"""Alert evaluation on both databases: which events fire which rules, and each fires once, ever."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session, select

from kb.alerts import add_rule, evaluate, list_alerts
from kb.db import open_engine, utcnow
from kb.models import Alert, ScoreClaim
from tests._alert_fixtures import reference_stance, score, stance, store_article

BENCH = "CharXiv Reasoning"


def _two_scores():
    return [
        score("Corvid 2", BENCH, 71.5, "Northwind Labs said Corvid 2 reached 71.5 on CharXiv Reasoning."),
        score("Tessel Pro", BENCH, 66.0, "The same chart put Tessel Pro at 66.0 on CharXiv Reasoning."),
    ]


def _keys(session, rule_id):
    return sorted(session.exec(select(Alert.dedupe_key).where(Alert.rule_id == rule_id)).all())


def test_new_score_fires_once_per_claim_across_outlets_reingest_and_reextraction(db_url):
    engine = open_engine(db_url)
    with Session(engine) as s:
        rule = add_rule(s, on="new-score", benchmark=BENCH)
        other = add_rule(s, on="new-score", benchmark="MMLU-Pro")
        s.commit()
        article, _ = store_article(s, "https://wire.example/a1", scores=_two_scores(),
                                   models=[("Corvid 2", "Northwind Labs")])
        assert evaluate(s, None).created == 2
        s.commit()
        claim_keys = sorted(s.exec(select(ScoreClaim.claim_key)).all())
        assert _keys(s, rule.id) == claim_keys
        assert _keys(s, other.id) == []
        # the same claims from four more outlets, a syndicated copy among them
        for i in range(4):
            store_article(s, f"https://outlet{i}.example/story", scores=_two_scores(),
                          outlet=f"Outlet {i}", original_outlet="Example Wire" if i == 0 else None)
        # re-extraction of the first article with a new extractor version
        store_article(s, article.url, scores=_two_scores(), article=article, version="test-2")
        s.commit()
        assert evaluate(s, None).created == 0
        s.commit()
    # a restart: a new session (and process state) finds nothing new either
    with Session(engine) as s:
        assert evaluate(s, None).created == 0
        assert len(_keys(s, rule.id)) == 2
        titles = sorted(a.title for a in list_alerts(s))
        assert titles[0].startswith("New score: Corvid 2 71.5 on CharXiv Reasoning")


def test_rule_created_after_history_gets_no_history(db_url):
    engine = open_engine(db_url)
    with Session(engine) as s:
        store_article(s, "https://wire.example/old", scores=_two_scores())
        s.commit()
        rule = add_rule(s, on="new-score", benchmark=BENCH)
        s.commit()
        assert evaluate(s, None).created == 0
        # while a claim arriving now does alert
        store_article(s, "https://wire.example/new", scores=[
            score("Quill 3", BENCH, 59.9, "Quill 3 managed 59.9 on CharXiv Reasoning.")])
        s.commit()
        assert evaluate(s, None).created == 1
        assert len(_keys(s, rule.id)) == 1


def test_reextracting_old_article_after_rule_does_not_resurface_it(db_url):
    engine = open_engine(db_url)
    with Session(engine) as s:
        article, _ = store_article(
            s, "https://wire.example/old", scores=_two_scores(),
            stances=[stance("Meta", "Harbor", "closed", "Meta kept Harbor closed.")])
        s.commit()
        rules = [add_rule(s, on=on) for on in ("new-score", "stance-event", "new-model")]
        s.commit()
        store_article(s, article.url, scores=_two_scores(), article=article, version="test-9",
                      stances=[stance("Meta", "Harbor", "closed", "Meta kept Harbor closed.")])
        s.commit()
        assert evaluate(s, None).created == 0
        assert all(_keys(s, r.id) == [] for r in rules)


def test_min_value_filter_and_model_and_org_facets(db_url):
    engine = open_engine(db_url)
    with Session(engine) as s:
        high = add_rule(s, on="new-score", benchmark=BENCH, min_value=70)
        by_model = add_rule(s, on="new-score", model="Tessel Pro")
        by_org = add_rule(s, on="new-score", org="Northwind Labs")
        s.commit()
        store_article(s, "https://wire.example/a", scores=_two_scores(),
                      models=[("Corvid 2", "Northwind Labs"), ("Tessel Pro", "Tessel AI")])
        s.commit()
        evaluate(s, None)
        s.commit()
        value_of = {c.claim_key: c.value for c in s.exec(select(ScoreClaim))}
        assert [value_of[k] for k in _keys(s, high.id)] == [71.5]
        assert [value_of[k] for k in _keys(s, by_model.id)] == [66.0]
        assert [value_of[k] for k in _keys(s, by_org.id)] == [71.5]


def test_new_record_only_when_value_beats_previous_best(db_url):
    engine = open_engine(db_url)
    with Session(engine) as s:
        rule = add_rule(s, on="new-record", benchmark=BENCH)
        s.commit()
        # the first value on a benchmark has nothing to beat
        store_article(s, "https://w.example/1", scores=[score("Corvid 2", BENCH, 70.0, "Corvid 2 scored 70.0.")])
        s.commit()
        assert evaluate(s, None).created == 0
        # lower than the best: no record
        store_article(s, "https://w.example/2", scores=[score("Quill 3", BENCH, 65.0, "Quill 3 scored 65.0.")])
        s.commit()
        assert evaluate(s, None).created == 0
        # equal is not a record either
        store_article(s, "https://w.example/3", scores=[score("Tessel Pro", BENCH, 70.0, "Tessel Pro tied at 70.0.")])
        s.commit()
        assert evaluate(s, None).created == 0
        # two new values in one article: only the higher is a record
        store_article(s, "https://w.example/4", scores=[
            score("Vela 1", BENCH, 74.2, "Vela 1 scored 74.2."),
            score("Orrin", BENCH, 72.0, "Orrin scored 72.0.")])
        s.commit()
        assert evaluate(s, None).created == 1
        alert = s.exec(select(Alert).where(Alert.rule_id == rule.id)).one()
        payload = json.loads(alert.payload)
        assert payload["model"] == "Vela 1" and payload["value"] == 74.2
        assert payload["previous_best"]["value"] == 72.0 or payload["previous_best"]["value"] == 70.0
        assert alert.title.startswith("New record on CharXiv Reasoning")


def test_stance_shift_fires_when_meta_goes_closed_after_open(db_url):
    engine = open_engine(db_url)
    with Session(engine) as s:
        reference_stance(s, "Meta", "Llama 3", "open", utcnow() - timedelta(days=400))
        s.commit()
        shift = add_rule(s, on="stance-shift", org="Meta")
        events = add_rule(s, on="stance-event", org="Meta")
        other_org = add_rule(s, on="stance-shift", org="Mistral AI")
        s.commit()
        # still open: an event, but no shift
        store_article(s, "https://w.example/open", published_at=utcnow() - timedelta(days=30), stances=[
            stance("Meta", "Llama 5", "open", "Meta published the Llama 5 weights for download.")])
        s.commit()
        evaluate(s, None)
        s.commit()
        assert _keys(s, shift.id) == [] and len(_keys(s, events.id)) == 1
        # closed after open: a shift, reported by three outlets, alerts once
        for i in range(3):
            store_article(s, f"https://o{i}.example/closed", published_at=utcnow() - timedelta(days=1),
                          outlet=f"Outlet {i}", stances=[
                              stance("Meta", "Harbor", "closed", "Meta will offer Harbor only through its API.")])
        s.commit()
        evaluate(s, None)
        s.commit()
        alerts = s.exec(select(Alert).where(Alert.rule_id == shift.id)).all()
        assert len(alerts) == 1
        payload = json.loads(alerts[0].payload)
        assert (payload["previous"]["stance"], payload["stance"]) == ("open", "closed")
        assert len(_keys(s, events.id)) == 2
        assert _keys(s, other_org.id) == []
        # closed again: no new shift
        store_article(s, "https://w.example/closed-again", stances=[
            stance("Meta", "Harbor Mini", "closed", "Harbor Mini also stays behind the API.")])
        s.commit()
        evaluate(s, None)
        assert len(_keys(s, shift.id)) == 1


def test_new_model_from_an_org_fires_once(db_url):
    engine = open_engine(db_url)
    with Session(engine) as s:
        from kb.store.linking import link

        link(s, "model", "Corvid 1", org="Northwind Labs", origin="gazetteer")
        s.commit()
        rule = add_rule(s, on="new-model", org="Northwind Labs")
        s.commit()
        store_article(s, "https://w.example/m1", models=[("Corvid 1", "Northwind Labs"),
                                                         ("Corvid 2", "Northwind Labs"),
                                                         ("Tessel Pro", "Tessel AI")])
        s.commit()
        evaluate(s, None)
        s.commit()
        store_article(s, "https://w.example/m2", models=[("Corvid 2", "Northwind Labs")])
        s.commit()
        evaluate(s, None)
        titles = [a.title for a in list_alerts(s)]
        # Corvid 1 was known (gazetteer) but first reported now; Tessel Pro is another org's
        assert sorted(titles) == ["New model: Corvid 1 from Northwind Labs", "New model: Corvid 2 from Northwind Labs"]


def test_saved_search_matches_query_terms_and_facets(db_url):
    engine = open_engine(db_url)
    with Session(engine) as s:
        rule = add_rule(s, on="search", query='"ahead of" Corvid', benchmark=BENCH)
        s.commit()
        store_article(s, "https://w.example/s", scores=[
            score("Corvid 2", BENCH, 71.5, "Corvid 2 landed ahead of rivals with 71.5 on CharXiv Reasoning."),
            score("Corvid 2", "MMLU-Pro", 80.1, "Corvid 2 was ahead of rivals with 80.1 on MMLU-Pro."),
            score("Quill 3", BENCH, 59.9, "Quill 3 trailed at 59.9 on CharXiv Reasoning.")])
        s.commit()
        evaluate(s, None)
        alerts = s.exec(select(Alert).where(Alert.rule_id == rule.id)).all()
        assert [json.loads(a.payload)["value"] for a in alerts] == [71.5]


def test_disabled_rule_does_not_fire(db_url):
    engine = open_engine(db_url)
    with Session(engine) as s:
        rule = add_rule(s, on="new-score", enabled=False)
        s.commit()
        store_article(s, "https://w.example/d", scores=_two_scores())
        s.commit()
        assert evaluate(s, None).created == 0
        assert _keys(s, rule.id) == []


def test_concurrent_evaluations_insert_each_alert_once(db_url):
    import threading

    engine = open_engine(db_url)
    with Session(engine) as s:
        rule = add_rule(s, on="new-score")
        s.commit()
        store_article(s, "https://w.example/race", scores=_two_scores())
        s.commit()
    barrier = threading.Barrier(3)
    counts, errors = [], []

    def worker():
        try:
            with Session(engine) as s:
                barrier.wait()
                counts.append(evaluate(s, None).created)
                s.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sum(counts) == 2
    with Session(engine) as s:
        assert len(_keys(s, rule.id)) == 2


def test_claims_that_match_nothing_do_not_starve_later_ones(db_url, monkeypatch):
    import kb.alerts.events as events

    monkeypatch.setattr(events, "PAGE", 2)  # pages of two claims: five misses span three pages
    engine = open_engine(db_url)
    with Session(engine) as s:
        rule = add_rule(s, on="search", query="Corvid")
        record = add_rule(s, on="new-record", benchmark=BENCH)
        s.commit()
        misses = [score(f"Quill {i}", BENCH, 50.0 - i, f"Quill {i} scored {50.0 - i} on CharXiv Reasoning.")
                  for i in range(5)]
        store_article(s, "https://w.example/misses", scores=misses)
        s.commit()
        assert evaluate(s, None).created == 0
        store_article(s, "https://w.example/hit", scores=[
            score("Corvid 2", BENCH, 71.5, "Corvid 2 scored 71.5 on CharXiv Reasoning.")])
        s.commit()
        evaluate(s, None)
        s.commit()
        assert len(_keys(s, rule.id)) == 1 and len(_keys(s, record.id)) == 1
        assert evaluate(s, None).created == 0
