"""Every table of the store, in one module (no circular imports, one place to read the schema).

Only kb/ writes these; ingest/ emits plain records (ingest/records.py) and kb/nlp emits
Extraction records (kb/nlp/records.py). Schema changes go through kb/migrations.

Time columns hold aware UTC datetimes (SQLModel's UTCDateTime refuses naive ones; kb.db.utcnow()).

Primary keys are typed `id: int` with a None default: the database assigns them at flush, and every id
the code reads is a stored row's (typing them Optional made mypy ask for a None check at each use).
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Index, LargeBinary, Table, Text, UniqueConstraint, BigInteger
from sqlmodel import Field, SQLModel



def table_of(model: type[SQLModel]) -> Table:
    """MODEL's Core table, for Core INSERT/UPDATE statements (SQLModel sets `__table__` on each table
    class but does not declare it to type checkers)."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


# ---------------------------------------------------------------------------------------------
# Ingestion: sources, the fetch log, articles and story clusters
# ---------------------------------------------------------------------------------------------


class Source(SQLModel, table=True):
    """A feed (or a single-article source) and its polling state."""

    id: int = Field(default=None, primary_key=True)
    url: str = Field(sa_column_kwargs={"unique": True}, max_length=2048)
    title: Optional[str] = None
    kind: str = Field(default="feed", max_length=16)  # feed | article | file
    site_url: Optional[str] = None
    enabled: bool = True
    added_at: datetime
    # conditional GET
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    # health
    last_fetched_at: Optional[datetime] = None
    last_success_at: Optional[datetime] = None
    last_status: Optional[int] = None
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text))
    failure_count: int = 0
    # scheduling: ttl/skipHours/backoff decide the next due time; workers lease due sources
    ttl_minutes: Optional[int] = None
    skip_hours: Optional[str] = None  # JSON list of hours (UTC) from RSS skipHours
    next_fetch_at: Optional[datetime] = Field(default=None, index=True)
    lease_owner: Optional[str] = Field(default=None, max_length=128)
    lease_until: Optional[datetime] = None


class FetchLog(SQLModel, table=True):
    """One row per fetch attempt of a feed or a page. Errors are data."""

    id: int = Field(default=None, primary_key=True)
    source_id: Optional[int] = Field(default=None, foreign_key="source.id", index=True)
    url: str = Field(max_length=2048)
    kind: str = Field(default="feed", max_length=16)  # feed | page | robots
    started_at: datetime = Field(index=True)
    duration_ms: Optional[int] = None
    status: Optional[int] = None  # HTTP status, None when no response
    outcome: str = Field(max_length=16, index=True)  # ok | not_modified | error | skipped
    error: Optional[str] = Field(default=None, sa_column=Column(Text))
    bytes: Optional[int] = None


class Story(SQLModel, table=True):
    """A cluster of articles telling one story: syndicated copies and near-duplicates."""

    id: int = Field(default=None, primary_key=True)
    title: Optional[str] = None
    first_seen_at: datetime
    first_published_at: Optional[datetime] = None


class Article(SQLModel, table=True):
    """One stored article: clean text for extraction, the raw payload to re-extract without fetching."""

    __table_args__ = (Index("ix_article_published", "published_at"),)

    id: int = Field(default=None, primary_key=True)
    source_id: Optional[int] = Field(default=None, foreign_key="source.id", index=True)
    story_id: Optional[int] = Field(default=None, foreign_key="story.id", index=True)
    url: Optional[str] = Field(default=None, max_length=2048)
    url_hash: str = Field(sa_column_kwargs={"unique": True}, max_length=64)
    guid_hash: Optional[str] = Field(default=None, index=True, max_length=64)
    canonical_url: Optional[str] = Field(default=None, max_length=2048)
    # url_hash of canonical_url: finds a copy stored before the original it names (0002)
    canonical_hash: Optional[str] = Field(default=None, index=True, max_length=64)
    content_hash: str = Field(index=True, max_length=64)
    simhash: Optional[int] = Field(default=None, sa_column=Column(BigInteger, index=True))
    title: Optional[str] = Field(default=None, sa_column=Column(Text))
    author: Optional[str] = None
    outlet: Optional[str] = None
    original_outlet: Optional[str] = None
    published_at: Optional[datetime] = None
    fetched_at: datetime
    language: Optional[str] = Field(default=None, max_length=16)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    raw: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary))  # zlib-compressed payload
    raw_kind: Optional[str] = Field(default=None, max_length=16)  # html | text
    extractor_version: Optional[str] = Field(default=None, max_length=32)
    extracted_at: Optional[datetime] = None
    # the page could not be read: the text is the longest the feed item carried; retried later (0007)
    feed_text_only: bool = Field(default=False, index=True)
    page_attempts: int = 0


class Sighting(SQLModel, table=True):
    """One feed (or single-page ingest) that carried an article's URL: one article, many sightings (0007).

    `same_site` says whether the feed lives on the article's own site (its text may be the article's);
    a sighting from another site (an aggregator) is where we found it, never the article's text or
    outlet. url_hash is the hash of the article's own (normalised) URL.
    """

    __table_args__ = (UniqueConstraint("url_hash", "source_id", name="uq_sighting_url_source"),)

    id: int = Field(default=None, primary_key=True)
    url_hash: str = Field(max_length=64)
    article_id: Optional[int] = Field(default=None, foreign_key="article.id", index=True)
    source_id: Optional[int] = Field(default=None, foreign_key="source.id", index=True)
    url: Optional[str] = Field(default=None, max_length=2048)
    seen_at: datetime
    same_site: bool = True
    text_chars: int = 0


# ---------------------------------------------------------------------------------------------
# Knowledge: entities and their aliases, mentions, claims with provenance
# ---------------------------------------------------------------------------------------------


class Entity(SQLModel, table=True):
    """A model, organization, person or benchmark, under its canonical name."""

    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_entity_kind_key"),
        Index("ix_entity_merged_into", "merged_into_id"),  # the entities merged into one
    )

    id: int = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)  # model | org | person | benchmark
    name: str  # canonical display name
    key: str = Field(max_length=255)  # normalised name (kb.read.lookup.name_key)
    org_id: Optional[int] = Field(default=None, foreign_key="entity.id", index=True)  # a model's maker
    family: Optional[str] = None  # a model's family ("Llama"), for family-level stances
    origin: str = Field(default="news", max_length=16)  # gazetteer | reference | news | manual
    org_origin: Optional[str] = Field(default=None, max_length=16)  # gazetteer | news | publisher | manual (0007)
    merged_into_id: Optional[int] = Field(default=None, foreign_key="entity.id")
    created_at: datetime


class Alias(SQLModel, table=True):
    """Another name of an entity ("GPT 5.4", "HLE", "Meta AI")."""

    __table_args__ = (UniqueConstraint("kind", "key", name="uq_alias_kind_key"),)

    id: int = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    kind: str = Field(max_length=16)
    alias: str
    key: str = Field(max_length=255)


class ArticleEntity(SQLModel, table=True):
    """Which entities an article mentions, and how often."""

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", primary_key=True, index=True)
    role: str = Field(default="mentioned", max_length=16)  # focal | mentioned
    mentions: int = 1


class ScoreClaim(SQLModel, table=True):
    """One reported benchmark result (model, benchmark, setting, value), however many sources report it."""

    __table_args__ = (
        Index("ix_scoreclaim_bench_first", "benchmark_id", "first_reported_at"),
        Index("ix_scoreclaim_model", "model_id", "benchmark_id"),
        # leaderboard and disagreements read only this index (covering): best value per model/setting
        Index("ix_scoreclaim_board", "benchmark_id", "model_id", "qualifier", "value", "first_reported_at"),
        Index("ix_scoreclaim_first", "first_reported_at"),
        # the leaderboard reads a benchmark's claims from the best value down and stops early
        Index("ix_scoreclaim_rank", "benchmark_id", "value", "first_reported_at", "model_id", "qualifier"),
        Index("ix_scoreclaim_model_first", "model_id", "first_reported_at"),  # a model's claims, newest first
    )

    id: int = Field(default=None, primary_key=True)
    claim_key: str = Field(sa_column_kwargs={"unique": True}, max_length=64)  # stable across re-extraction
    model_id: int = Field(foreign_key="entity.id")
    benchmark_id: int = Field(foreign_key="entity.id")
    value: float
    unit: Optional[str] = Field(default=None, max_length=16)  # % | score | Elo | ...
    qualifier: Optional[str] = None  # setting: "with tools", "pass@1", "Contemplating mode"
    first_reported_at: datetime  # earliest publication (or fetch) time among its sources
    first_article_id: Optional[int] = Field(default=None, foreign_key="article.id")
    corroboration: int = 1  # distinct original outlets reporting this value (not disputing it)
    # another value for the same model, benchmark and setting from an independent reporter (0007)
    disputed: bool = False
    # no source carries a publication date: first_reported_at is when aikb first saw it (0007)
    undated: bool = False
    created_at: datetime


class ClaimSource(SQLModel, table=True):
    """One article's report of a score claim: who reported it, hedged or not, and the evidence."""

    __table_args__ = (UniqueConstraint("claim_id", "article_id", name="uq_claimsource_claim_article"),
                      # the reporter filters' EXISTS per claim, answered from the index (migration 0009)
                      Index("ix_claimsource_claim_kind", "claim_id", "reporter_kind", "published_at"))

    id: int = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="scoreclaim.id", index=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    story_id: Optional[int] = Field(default=None, foreign_key="story.id")
    reported_by: Optional[str] = None
    reporter_kind: Optional[str] = Field(default=None, max_length=16)  # vendor | evaluator | outlet
    hedged: bool = False
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    start: int = 0
    end: int = 0
    outlet: Optional[str] = None  # original outlet if known, else the outlet we read it in
    published_at: Optional[datetime] = None
    extractor_version: str = Field(max_length=32)


class StanceEvent(SQLModel, table=True):
    """An organization's licensing stance on a model or family: open weights or closed, now or planned."""

    __table_args__ = (Index("ix_stance_org_time", "org_id", "occurred_at"),
                      Index("ix_stance_stance_model", "stance", "model_id"))  # the search's stance facet

    id: int = Field(default=None, primary_key=True)
    event_key: str = Field(sa_column_kwargs={"unique": True}, max_length=64)
    org_id: Optional[int] = Field(default=None, foreign_key="entity.id")
    model_id: Optional[int] = Field(default=None, foreign_key="entity.id", index=True)
    model_name: Optional[str] = None  # as extracted (a family such as "Llama" need not be an entity)
    stance: str = Field(max_length=8)  # open | closed
    license: Optional[str] = None
    planned: bool = False
    origin: str = Field(default="news", max_length=16)  # news | reference
    reference_source: Optional[str] = None  # "Epoch AI" / "LLM-Stats" for reference rows
    article_id: Optional[int] = Field(default=None, foreign_key="article.id", index=True)
    evidence: Optional[str] = Field(default=None, sa_column=Column(Text))
    start: Optional[int] = None
    end: Optional[int] = None
    occurred_at: Optional[datetime] = None  # publication date of the article, or the reference date
    extractor_version: Optional[str] = Field(default=None, max_length=32)
    created_at: datetime


class PersonRole(SQLModel, table=True):
    """A person's role at an organization, as an article states it."""

    __table_args__ = (
        UniqueConstraint("person_id", "org_id", "role", "article_id", name="uq_personrole"),
        Index("ix_personrole_org_seen", "org_id", "seen_at", "id"),  # an org's people, first seen first
    )

    id: int = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="entity.id", index=True)
    org_id: Optional[int] = Field(default=None, foreign_key="entity.id")
    role: Optional[str] = None
    article_id: Optional[int] = Field(default=None, foreign_key="article.id", index=True)
    evidence: Optional[str] = Field(default=None, sa_column=Column(Text))
    seen_at: Optional[datetime] = None
    extractor_version: Optional[str] = Field(default=None, max_length=32)


# ---------------------------------------------------------------------------------------------
# Alerts
# ---------------------------------------------------------------------------------------------


class AlertRule(SQLModel, table=True):
    """What an analyst watches, and where to be told."""

    id: int = Field(default=None, primary_key=True)
    name: Optional[str] = None
    on: str = Field(max_length=32)  # new-score | new-record | stance-shift | stance-event | new-model | search
    filters: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON: benchmark, model, org, min_value, query, facets
    webhook_url: Optional[str] = None
    email: Optional[str] = None
    digest: str = Field(default="instant", max_length=16)  # instant | hourly | daily
    enabled: bool = True
    created_at: datetime
    last_digest_at: Optional[datetime] = None
    # how far evaluation has looked: events up to (scan_after, scan_after_id) were examined, so a
    # run re-reads only the recent window instead of every event since the rule was made
    scan_after: Optional[datetime] = None
    scan_after_id: Optional[int] = None


class Alert(SQLModel, table=True):
    """One firing of a rule for one event; unique per rule and event key, so it fires once."""

    __table_args__ = (UniqueConstraint("rule_id", "dedupe_key", name="uq_alert_rule_key"),)

    id: int = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="alertrule.id", index=True)
    dedupe_key: str = Field(max_length=64)  # e.g. the claim_key: stable across re-ingest and re-extraction
    kind: str = Field(max_length=32)
    title: str
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON
    created_at: datetime = Field(index=True)
    read: bool = False


class Delivery(SQLModel, table=True):
    """One message on one channel: a single alert, or a digest of several."""

    # dedupe_key is "alert:<alert id>" or "digest:<period end>": one message per alert (or per
    # digest period) per channel, even when two deliverers plan at the same time.
    __table_args__ = (
        UniqueConstraint("rule_id", "channel", "dedupe_key", name="uq_delivery_rule_channel_key"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
    )

    id: int = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="alertrule.id", index=True)
    alert_id: Optional[int] = Field(default=None, foreign_key="alert.id", index=True)  # None for a digest
    channel: str = Field(max_length=16)  # webhook | email
    target: str
    status: str = Field(default="pending", max_length=16, index=True)  # pending | sending (leased) | sent | failed (gave up)
    attempts: int = 0
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text))
    next_attempt_at: Optional[datetime] = None
    sent_at: Optional[datetime] = None
    created_at: datetime
    dedupe_key: Optional[str] = Field(default=None, max_length=64)


class DigestItem(SQLModel, table=True):
    """Which alerts a digest delivery lists; an alert joins one digest per channel, once."""

    __table_args__ = (UniqueConstraint("alert_id", "channel", name="uq_digestitem_alert_channel"),)

    delivery_id: int = Field(foreign_key="delivery.id", primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", primary_key=True)
    channel: str = Field(max_length=16)


# ---------------------------------------------------------------------------------------------
# The store about itself
# ---------------------------------------------------------------------------------------------


class KbMeta(SQLModel, table=True):
    """One fact about the store ("gazetteer" -> the fingerprint of the gazetteer it was seeded from) (0008)."""

    __tablename__ = "kbmeta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=255)
    updated_at: datetime
