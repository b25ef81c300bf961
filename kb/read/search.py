"""Full-text search over claim evidence and articles, combined with facets; any user input is safe.

User text never reaches the query language as syntax: it is cut into words, each word is quoted as an
FTS5 phrase (operators such as OR, NEAR, *, ^, column filters become plain words), and on PostgreSQL
the cleaned words go through plainto_tsquery. Everything travels as bind parameters.

Facets combined with words are terms of the same index (kb/read/facets.py): the engine intersects the
words' and the facets' posting lists, so a common word with a popular model costs no more than
either alone. Model, benchmark and organization facets become our own terms (ids, never user text);
an outlet becomes one word (kb.read.facets.outlet_term), quoted, that only narrows: the exact test follows.

Written on SQLAlchemy Core over kb/read/core_tables.py (no SQLModel, no ORM: `aikb search` starts in
little more than `import sqlalchemy`, issue 14). Every function takes DB, a Session (the UI, the other
readers) or a Connection (the CLI); results are the same plain records either way.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Optional, Sequence

from sqlalchemy import ColumnElement, Executable, column, func, literal_column, or_, select, table
from sqlalchemy.engine import Connection

from kb.errors import InputError
from kb.read.core_tables import article as Article
from kb.read.core_tables import claimsource as ClaimSource
from kb.read.core_tables import entity as Entity
from kb.read.core_tables import scoreclaim as ScoreClaim
from kb.read.facets import date_terms, entity_terms, outlet_term
from kb.read.lookup import DB, connection_of, resolve_id
from kb.read.query_records import ArticleHit, ClaimHit, SourceRef
from kb.read.stance_facet import stance_model_ids

MAX_TERMS = 16  # a 10 KB paste is cut to its first words instead of building a huge query
MAX_LIMIT = 1000
# PostgreSQL's stored tsvector columns (generated in kb/migrations/versions/0003_kb.py).
PG_ARTICLE_DOC = "article.search_tsv"
PG_EVIDENCE_DOC = "claimsource.evidence_tsv"
PG_FACET_DOC = "claimsource.facet_tsv"  # (migration 0005; kb/read/facets.py)
_WORD = re.compile(r"\w", re.UNICODE)
_FTS_EVIDENCE = table("claimsource_fts", column("rowid"))
_FTS_ARTICLE = table("article_fts", column("rowid"))


def query_terms(query: Optional[str]) -> list[str]:
    """The words of a user's query: whitespace-separated chunks with quotes and control characters dropped.

    Chunks without any letter or digit are dropped; at most MAX_TERMS chunks of 64 characters.
    """
    if not query:
        return []
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(query)[:10_000])
    terms = []
    for chunk in cleaned.replace('"', " ").split():
        if _WORD.search(chunk):
            terms.append(chunk[:64])
        if len(terms) >= MAX_TERMS:
            break
    return terms


def core_rows(db: DB, stmt: Executable) -> Sequence[Any]:
    """Plain rows of a column SELECT, through Core (the ORM layer costs more than the query here)."""
    return (db if isinstance(db, Connection) else db.connection()).execute(stmt).all()


def _printable(value: Optional[str]) -> str:
    """A facet value as the database can take it (PostgreSQL refuses NUL characters)."""
    return "".join(ch for ch in (value or "")[:1000] if ch.isprintable()).strip()


def fts5_expression(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term a quoted phrase, all required (implicit AND)."""
    return " ".join('"' + t.replace('"', "") + '"' for t in terms)


def pg_query_text(terms: list[str]) -> str:
    """The text handed to plainto_tsquery: hyphens as spaces, like the indexed documents."""
    return " ".join(terms).replace("-", " ").replace("\x00", "")


def _is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _check_range(since: Optional[datetime], until: Optional[datetime]) -> None:
    if since and until and since > until:
        raise InputError(f"--since {since.date()} is after --until {until.date()}")


def _entity_ids(conn: Connection, kind: str, name: Optional[str]) -> Optional[list[int]]:
    """Ids of the entity NAME (and those merged into it); [] when unknown, None when no filter."""
    if not name:
        return None
    entity_id = resolve_id(conn, kind, name)
    if entity_id is None:
        return []
    merged = conn.execute(select(Entity.c.id).where(Entity.c.merged_into_id == entity_id)).scalars().all()
    return [entity_id, *merged]


def search_claims(db: DB, query: str = "", *, model: Optional[str] = None,
                  org: Optional[str] = None, benchmark: Optional[str] = None,
                  stance: Optional[str] = None, outlet: Optional[str] = None,
                  since: Optional[datetime] = None, until: Optional[datetime] = None,
                  limit: int = 50, offset: int = 0) -> list[ClaimHit]:
    """Claims whose evidence matches QUERY (all words) and every facet given, newest first.

    Words of three letters or more match as prefixes ("Char" finds CharXiv); a word (or the whole
    query) that names an organization also matches its models' claims ("Meta"). Facets:
    model/org/benchmark by any of their names; stance keeps claims on models whose current stance is
    that one (open|closed; kb.read.compare.model_openness); outlet (a name as facet_options lists it)
    matches a report's original outlet or the outlet it was read in; since/until bound the claim's
    first-reported time. With words or an outlet, claims come newest report first; otherwise newest
    first report first.
    """
    limit = max(0, min(int(limit), MAX_LIMIT))
    conn = connection_of(db)
    return claim_hits(conn, search_claim_ids(conn, query, model=model, org=org, benchmark=benchmark,
                                             stance=stance, outlet=outlet, since=since, until=until,
                                             limit=limit, offset=offset))


SORTS = ("date", "value", "corroboration")


def search_claim_ids(db: DB, query: str = "", *, model: Optional[str] = None,
                     org: Optional[str] = None, benchmark: Optional[str] = None,
                     stance: Optional[str] = None, outlet: Optional[str] = None,
                     since: Optional[datetime] = None, until: Optional[datetime] = None,
                     limit: int = 50, offset: int = 0, sort: str = "date") -> list[int]:
    """The ids search_claims would return (LIMIT unclamped). Without words or an outlet SORT orders them in
    the database (date: newest first report; value, corroboration: highest first); with words the
    matches come newest report first and callers sort what they fetched."""
    _check_range(since, until)
    conn = connection_of(db)
    if sort not in SORTS:
        raise InputError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    limit = max(0, int(limit))
    offset = max(0, int(offset))
    terms = query_terms(query)
    org_terms = _org_terms(conn, terms) if terms else []
    terms = [t for t in terms if not any(t in unit for unit, _ in org_terms)]
    facets: dict[str, list[int]] = {}  # facet term prefix -> entity ids, any of which may match
    for prefix, kind, name in (("m", "model", model), ("b", "benchmark", benchmark), ("o", "org", org)):
        ids = _entity_ids(conn, kind, name)
        if ids is not None:
            if not ids:
                return []
            facets[prefix] = ids
    conds: list[ColumnElement[bool]] = []  # conditions on the claim that no index term expresses
    sc = ScoreClaim.c
    if stance:
        conds.append(sc.model_id.in_(_models_with_stance(conn, stance)))
    if since:
        conds.append(sc.first_reported_at >= since)
    if until:
        conds.append(sc.first_reported_at <= until)
    outlet = _printable(outlet)
    if not terms and not outlet and not org_terms:
        return _claims_by_facets(conn, facets, conds, sort, limit, offset)
    stmt = _reports_matching(conn, terms, org_terms, facets, conds, outlet, since, until)
    want, fetch, ids = offset + limit, max(3 * (offset + limit), 60), []
    while True:
        rows = conn.execute(stmt.limit(fetch)).scalars().all()
        ids = list(dict.fromkeys(rows))
        if len(ids) >= want or len(rows) < fetch or fetch >= 50_000:
            break
        fetch *= 4
    return ids[offset:offset + limit]


def _claims_by_facets(conn: Connection, facets: dict[str, list[int]], conds: list, sort: str, limit: int,
                      offset: int) -> list[int]:
    """No words and no outlet: the claims themselves, filtered and ordered by SORT in the database."""
    sc = ScoreClaim.c
    claim_conds = list(conds)
    if "m" in facets:
        claim_conds.append(sc.model_id.in_(facets["m"]))
    if "b" in facets:
        claim_conds.append(sc.benchmark_id.in_(facets["b"]))
    if "o" in facets:
        claim_conds.append(sc.model_id.in_(select(Entity.c.id).where(Entity.c.org_id.in_(facets["o"]))))
    order = {"date": (sc.first_reported_at.desc(),),
             "value": (sc.value.desc(), sc.first_reported_at.desc()),
             "corroboration": (sc.corroboration.desc(), sc.first_reported_at.desc())}[sort]
    stmt = (select(sc.id).where(*claim_conds)
            .order_by(*order, sc.id.desc())
            .offset(offset).limit(limit))
    return list(conn.execute(stmt).scalars().all())


def _reports_matching(conn: Connection, terms: list[str], org_terms: list, facets: dict[str, list[int]],
                      conds: list, outlet: Optional[str], since: Optional[datetime], until: Optional[datetime]):
    """Words or an outlet: the claim ids of the REPORTS that hold the words AND the facets' terms, newest first.

    The full-text index (terms of kb/read/facets.py) intersects posting lists and delivers the reports
    newest first; the caller keeps each claim once, at its newest matching report. The exact outlet
    and claim conditions then filter the few candidates.
    """
    cs = ClaimSource.c
    src_conds = []
    groups = _facet_groups(facets) + _date_groups(conn, since, until)
    phrase = outlet_term(outlet) if outlet else ""
    if outlet:  # the exact test, on the few reports the index returns (their article by primary key)
        src_conds.append(or_(cs.outlet == outlet, Article.c.outlet == outlet))
    if _is_sqlite(conn):
        stmt = (select(cs.claim_id).select_from(_FTS_EVIDENCE)
                .join(ClaimSource, cs.id == _FTS_EVIDENCE.c.rowid)
                .where(literal_column("claimsource_fts").op("MATCH")(fts5_match(terms, groups, phrase, org_terms)))
                .order_by(_FTS_EVIDENCE.c.rowid.desc()))
    else:
        stmt = select(cs.claim_id).order_by(cs.id.desc())
        if terms:
            src_conds.append(literal_column(PG_EVIDENCE_DOC).op("@@")(pg_words_query(terms)))
        for unit, org_ids in org_terms:  # the words in the evidence, or a claim on the org's models
            src_conds.append(or_(literal_column(PG_EVIDENCE_DOC).op("@@")(pg_words_query(unit)),
                                 literal_column(PG_FACET_DOC).op("@@")(pg_facet_query([entity_terms("o", org_ids)]))))
        if groups or phrase:
            src_conds.append(literal_column(PG_FACET_DOC).op("@@")(pg_facet_query(groups, phrase)))
    if conds:
        stmt = stmt.join(ScoreClaim, ScoreClaim.c.id == cs.claim_id).where(*conds)
    if outlet:
        stmt = stmt.join(Article, Article.c.id == cs.article_id)
    return stmt.where(*src_conds)


def _facet_groups(facets: dict[str, list[int]]) -> list[list[str]]:
    """The facets as groups of index terms: every group must match, any term of a group will do."""
    return [entity_terms(prefix, ids) for prefix, ids in sorted(facets.items())]


def _date_groups(conn: Connection, since: Optional[datetime], until: Optional[datetime]) -> list[list[str]]:
    """A date range as a group of month and year terms (an open end: the store's first or last claim)."""
    if not since and not until:
        return []
    lo = since or conn.execute(select(func.min(ScoreClaim.c.first_reported_at))).scalar()
    hi = until or conn.execute(select(func.max(ScoreClaim.c.first_reported_at))).scalar()
    if lo is None or hi is None or lo > hi:
        return [["nothing"]]  # no claims in the range (no facet text holds a bare word)
    return [date_terms(_utc(lo).date(), _utc(hi).date())]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment


def prefix_word(term: str) -> bool:
    """Whether TERM matches as a prefix: one word of three or more letters ("Char", "health")."""
    return len(term) >= 3 and term.isalpha()


def fts5_words(terms: list[str]) -> str:
    """Every term a quoted phrase, prefix words with FTS5's prefix marker ("char"*), all required."""
    return " ".join('"' + t.replace('"', "") + '"' + ("*" if prefix_word(t) else "") for t in terms)


def pg_words_query(terms: list[str]):
    """A tsquery for TERMS: plainto_tsquery for words as typed, to_tsquery prefixes (word:*) for prefix words.

    Prefix words are letters only (prefix_word), so nothing of the user's text is tsquery syntax.
    """
    exact = [t for t in terms if not prefix_word(t)]
    prefixes = [t for t in terms if prefix_word(t)]
    query: Optional[ColumnElement[Any]] = func.plainto_tsquery("english", pg_query_text(exact)) if exact else None
    if prefixes:
        pre = func.to_tsquery("english", " & ".join(f"{t.lower()}:*" for t in prefixes))
        query = pre if query is None else query.op("&&")(pre)
    return query


def _org_terms(conn: Connection, terms: list[str]) -> list[tuple[list[str], list[int]]]:
    """Words of the query that name an organization: (the words, the org's ids). The whole query first."""
    whole = _entity_ids(conn, "org", " ".join(terms)) if len(terms) > 1 else None
    if whole:
        return [(list(terms), whole)]
    out = []
    for term in terms:
        ids = _entity_ids(conn, "org", term)
        if ids:
            out.append(([term], ids))
    return out


def fts5_match(terms: list[str], groups: list[list[str]], outlet: str = "",
               org_terms: Optional[list[tuple[list[str], list[int]]]] = None) -> str:
    """The FTS5 MATCH expression over claimsource_fts: the words in the evidence, the facets in the facets.

    A word naming an organization matches in the evidence or as the org's facet term (its models' claims).
    """
    parts = ["{evidence} : (" + fts5_words(terms) + ")"] if terms else []
    for unit, ids in org_terms or []:
        parts.append("({evidence} : (" + fts5_words(unit) + ") OR {facets} : ("
                     + " OR ".join(entity_terms("o", ids)) + "))")
    parts += ["{facets} : (" + " OR ".join(group) + ")" for group in groups]
    if outlet:
        parts.append('{facets} : "' + outlet.replace('"', '""') + '"')
    return " AND ".join(parts)


def pg_facet_query(groups: list[list[str]], outlet: str = ""):
    """The tsquery over claimsource.facet_tsv: our own terms through to_tsquery, the outlet as a phrase."""
    query: Optional[ColumnElement[Any]] = None
    if groups:
        query = func.to_tsquery("simple", " & ".join("(" + " | ".join(g) + ")" for g in groups))
    if outlet:
        phrase = func.phraseto_tsquery("simple", outlet)
        query = phrase if query is None else query.op("&&")(phrase)
    return query


def _models_with_stance(conn: Connection, stance: str) -> list[int]:
    """Ids of the models whose current stance is STANCE (kb.read.compare.model_openness: the model's own latest
    stance, else its org's for the same model line), merged names included."""
    if stance not in ("open", "closed"):
        raise InputError(f"stance must be open or closed, not {stance!r}")
    return stance_model_ids(conn, stance)


_MODEL, _BENCH, _ORG = Entity.alias("m"), Entity.alias("b"), Entity.alias("o")
_CLAIM_COLUMNS = (ScoreClaim.c.id, ScoreClaim.c.value, ScoreClaim.c.unit, ScoreClaim.c.qualifier,
                  ScoreClaim.c.corroboration, ScoreClaim.c.first_reported_at, ScoreClaim.c.claim_key,
                  _MODEL.c.name, _BENCH.c.name, _ORG.c.name, ScoreClaim.c.disputed, ScoreClaim.c.undated)


def claim_hits(db: DB, claim_ids: list[int], *, as_of: Optional[datetime] = None) -> list[ClaimHit]:
    """ClaimHit records for CLAIM_IDS in that order, each with its sources (original outlet first)."""
    if not claim_ids:
        return []
    sc = ScoreClaim.c
    rows = core_rows(db,
        select(*_CLAIM_COLUMNS)
        .join(_MODEL, _MODEL.c.id == sc.model_id).join(_BENCH, _BENCH.c.id == sc.benchmark_id)
        .join(_ORG, _ORG.c.id == _MODEL.c.org_id, isouter=True).where(sc.id.in_(claim_ids)))
    sources = sources_for(db, claim_ids, as_of=as_of)
    by_id = {}
    for (cid, value, unit, qualifier, corroboration, first_at, key, model_name, bench_name, org_name, disputed,
         undated) in rows:
        refs = sources.get(cid, [])
        first = min(refs, key=lambda r: (r[1].published_at is None, r[1].published_at, r[1].article_id),
                    default=None)
        kind, ref = first if first else (None, None)
        by_id[cid] = ClaimHit(
            claim_id=cid, model=model_name, org=org_name, benchmark=bench_name, value=value, unit=unit,
            qualifier=qualifier, reported_by=ref.reported_by if ref else None, reporter_kind=kind,
            hedged=ref.hedged if ref else False, corroboration=corroboration, first_reported_at=first_at,
            evidence=ref.evidence if ref else "", sources=tuple(r for _, r in refs), claim_key=key,
            disputed=bool(disputed), undated=bool(undated))
    return [by_id[i] for i in claim_ids if i in by_id]


def sources_for(db: DB, claim_ids: list[int], *, as_of: Optional[datetime] = None
                ) -> dict[int, list[tuple[Optional[str], SourceRef]]]:
    """Claim id -> [(reporter_kind, SourceRef)], originals (not syndicated copies) first, then by date."""
    cs, a = ClaimSource.c, Article.c
    stmt = (select(cs.claim_id, cs.article_id, cs.evidence, cs.start, cs.end, cs.reported_by, cs.reporter_kind,
                   cs.hedged, cs.published_at, a.title, a.url, a.outlet, a.original_outlet, a.published_at)
            .join(Article, a.id == cs.article_id).where(cs.claim_id.in_(claim_ids)))
    if as_of is not None:
        stmt = stmt.where(cs.published_at <= as_of)
    out: dict[int, list] = {}
    for (cid, aid, evidence, start, end, reported_by, kind, hedged, cs_published, title, url, outlet, original,
         published) in core_rows(db, stmt):
        copy = bool(original) and original.casefold() != (outlet or "").casefold()
        ref = SourceRef(article_id=aid, title=title, url=url, outlet=outlet, original_outlet=original,
                        published_at=published or cs_published, evidence=evidence, start=start, end=end,
                        reported_by=reported_by, hedged=bool(hedged))
        out.setdefault(cid, []).append((copy, kind, ref))
    for cid, refs in out.items():
        refs.sort(key=lambda r: (r[0], r[2].published_at is None, r[2].published_at, r[2].article_id))
        out[cid] = [(kind, ref) for _, kind, ref in refs]
    return out


def search_articles(db: DB, query: str, *, since: Optional[datetime] = None,
                    until: Optional[datetime] = None, outlet: Optional[str] = None,
                    limit: int = 50) -> list[ArticleHit]:
    """Articles whose title or text contains every word of QUERY, newest stored first.

    OUTLET matches the outlet or the original outlet exactly (as facet_options lists it).
    """
    _check_range(since, until)
    conn = connection_of(db)
    limit = max(0, min(int(limit), MAX_LIMIT))
    terms = query_terms(query)
    a = Article.c
    conds = []
    outlet = _printable(outlet)
    if outlet:
        conds.append(or_(a.outlet == outlet, a.original_outlet == outlet))
    if since:
        conds.append(a.published_at >= since)
    if until:
        conds.append(a.published_at <= until)
    columns = (a.id, a.title, a.url, a.outlet, a.original_outlet, a.published_at, func.substr(a.text, 1, 300))
    if terms and _is_sqlite(conn):
        stmt = (select(*columns).select_from(_FTS_ARTICLE).join(Article, a.id == _FTS_ARTICLE.c.rowid)
                .where(literal_column("article_fts").op("MATCH")(fts5_words(terms)))
                .order_by(_FTS_ARTICLE.c.rowid.desc()))
    else:
        stmt = select(*columns).order_by(a.id.desc())
        if terms:
            stmt = stmt.where(literal_column(PG_ARTICLE_DOC).op("@@")(pg_words_query(terms)))
    stmt = stmt.where(*conds).limit(limit)
    return [ArticleHit(article_id=r[0], title=r[1], url=r[2], outlet=r[3], original_outlet=r[4],
                       published_at=r[5], snippet=" ".join((r[6] or "").split()))
            for r in conn.execute(stmt).all()]
