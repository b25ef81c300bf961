"""kb.read.boards on both databases: leaderboard filters, ranks within a setting with ties, the frontier."""
from __future__ import annotations

import pytest
from sqlmodel import Session

from kb.read.boards import benchmark_settings, board, frontier
from kb.db import open_engine
from kb.errors import InputError, NotFound
from tests._workbench_fixtures import fill_workbench_store


@pytest.fixture
def session(db_url):
    fill_workbench_store(db_url)
    with Session(open_engine(db_url)) as s:
        yield s


def rows_of(rows):
    return [(r.rank, r.tied, r.model, r.qualifier, r.value) for r in rows]


def test_ties_share_a_rank_and_rows_cite_a_source(session):
    rows = board(session, "CharXiv Reasoning")
    assert rows_of(rows) == [(1, False, "Aurora-2 Pro", None, 86.4), (2, True, "Brightline 5", None, 81.0),
                             (2, True, "Fjordline 3", None, 81.0)]
    assert rows[0].source_url == "https://signalwire.example/aurora-2-pro" and rows[0].reporter == "vendor"
    assert rows[0].corroboration == 1 and rows[0].source_count == 2  # the copy is no second outlet


def test_ranks_count_within_a_setting_and_one_setting_can_be_chosen(session):
    rows = board(session, "GPQA Diamond")
    by_setting = {}
    for r in rows:
        by_setting.setdefault(r.qualifier, []).append((r.rank, r.model, r.value))
    assert by_setting == {None: [(1, "Fjordline 3", 83.0), (2, "Aurora-2 Pro", 77.0), (3, "Llama 3.1", 51.0)],
                          "with tools": [(1, "Aurora-2 Pro", 79.5)]}
    assert benchmark_settings(session, "GPQA Diamond") == ["", "with tools"]
    assert [r.model for r in board(session, "GPQA Diamond", setting="with tools")] == ["Aurora-2 Pro"]
    assert [r.model for r in board(session, "GPQA Diamond", setting="")] == ["Fjordline 3", "Aurora-2 Pro",
                                                                               "Llama 3.1"]


def test_open_closed_and_independent_filters(session):
    independent = board(session, "GPQA Diamond", reporter="independent")
    assert [(r.model, r.value, r.reporter) for r in independent] == [
        ("Fjordline 3", 81.2, "independent"), ("Aurora-2 Pro", 77.0, "independent"), ("Llama 3.1", 51.0, "independent")]
    assert independent[0].source_url == "https://modelledger.example/evalhouse-gpqa-spring"
    closed = board(session, "GPQA Diamond", reporter="independent", openness="closed")
    assert [(r.model, r.openness) for r in closed] == [("Aurora-2 Pro", "closed")]
    opened = board(session, "GPQA Diamond", reporter="independent", openness="open")
    assert [(r.rank, r.model) for r in opened] == [(1, "Fjordline 3"), (2, "Llama 3.1")]
    # as of a date before EvalHouse's sweep, no independent value exists
    from datetime import datetime, timezone
    assert board(session, "GPQA Diamond", reporter="independent", as_of=datetime(2026, 3, 31, tzinfo=timezone.utc)) == []
    with pytest.raises(InputError):
        board(session, "GPQA Diamond", openness="half")
    with pytest.raises(NotFound):
        board(session, "No Such Bench")


def test_frontier_raises_per_openness_line(session):
    points = frontier(session, "CharXiv Reasoning")
    # closed: Aurora-2 Pro 86.4 on 2 March (Brightline 5's 81.0 the same day is no record once 86.4 is in);
    # open: Fjordline 3 81.0 on 20 March. Quillfeather and unknown-openness models are left out.
    lines = {}
    for p in points:
        lines.setdefault(p.openness, []).append((p.model, p.value, p.reached_at.date().isoformat()))
    assert lines["open"] == [("Fjordline 3", 81.0, "2026-03-20")]
    assert lines["closed"][-1] == ("Aurora-2 Pro", 86.4, "2026-03-02")
    values = [v for _, v, _ in lines["closed"]]
    assert values == sorted(values) and len(set(values)) == len(values)  # only ever raised
    gpqa = frontier(session, "GPQA Diamond", setting="")
    assert [(p.openness, p.model, p.value) for p in gpqa] == [("open", "Fjordline 3", 83.0),
                                                             ("closed", "Aurora-2 Pro", 77.0)]


def _store_units(db_url):
    """One more article: MMLU-Pro values as "%" for three models and as a plain "score" for another."""
    import hashlib

    from kb.db import session_scope, utcnow
    from kb.models import Article
    from kb.nlp.records import Extraction, ModelMention, ScoreClaim
    from kb.store.claims import store_extraction
    from tests._ui_fixtures import _at

    text = ("Fjordline 3 reaches 71.0% on MMLU-Pro, Aurora-2 Pro 69.5% and Llama 3.1 64.0%. "
            "Brightline 5 posts a score of 88.0 on MMLU-Pro.")
    first, second = text.split(". ", 1)
    first += "."
    claims = [("Fjordline 3", 71.0, "%", first), ("Aurora-2 Pro", 69.5, "%", first),
              ("Llama 3.1", 64.0, "%", first),
              ("Brightline 5", 88.0, "score", second)]
    scores = tuple(ScoreClaim(model=m, benchmark="MMLU-Pro", value=v, unit=u, evidence=s, reported_by="EvalHouse",
                              reporter_kind="evaluator", start=text.index(s), end=text.index(s) + len(s))
                   for m, v, u, s in claims)
    url = "https://modelledger.example/mmlu-pro-units"
    with session_scope(open_engine(db_url)) as s:
        article = Article(url=url, url_hash=hashlib.sha256(url.encode()).hexdigest(),
                          content_hash=hashlib.sha256(text.encode()).hexdigest(), title="MMLU-Pro in two units",
                          outlet="Model Ledger", original_outlet=None, published_at=_at(2026, 4, 20),
                          fetched_at=utcnow(), language="en", text=text)
        s.add(article)
        s.flush()
        store_extraction(s, article, Extraction(models=tuple(ModelMention(m) for m, *_ in claims), scores=scores),
                         extractor_version="ui-test")


def test_ranks_count_within_a_unit(db_url):
    # a "%" and a plain "score" are not one scale: each unit is ranked apart, the most used unit first
    # (the score's 88.0 does not outrank the percentages, nor come first)
    fill_workbench_store(db_url)
    _store_units(db_url)
    with Session(open_engine(db_url)) as s:
        rows = board(s, "MMLU-Pro")
    assert [(r.rank, r.model, r.value, r.unit) for r in rows] == [
        (1, "Fjordline 3", 71.0, "%"), (2, "Aurora-2 Pro", 69.5, "%"), (3, "Llama 3.1", 64.0, "%"),
        (1, "Brightline 5", 88.0, "score")]
