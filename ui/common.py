"""What every page shares: the cached engine, writes, and Markdown that cannot run markup.

Pages read through ui.reads (one cached wrapper per kb read function) and write through `change`.
Untrusted text (titles, evidence, outlet names) only ever reaches the page through
`md_escape`/`md_link`, or in dataframes.
"""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Optional
from urllib.parse import quote, urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from kb.db import open_engine, session_scope
from kb.errors import AikbError
from kb.settings import load_settings

CACHE_TTL = 60  # seconds: fresh enough for a store that ingest updates every few minutes
FACETS_TTL = 600  # filter choices: new names matter less than a fast first render
INGEST_HINT = "run `aikb ingest` (or `aikb demo` for the bundled sample)"

def database_url() -> str:
    """The database URL the app serves (AIKB_DATABASE_URL, the settings file, or the default SQLite)."""
    return load_settings().database_url


# The engine is the one resource the pages hold. The spaCy pipeline is not loaded here: no page runs
# the extractor, and loading it would only delay the first render by seconds.
@st.cache_resource(show_spinner=False)
def engine_for(url: str):
    """The migrated engine, created once per process and URL."""
    return open_engine(url)


def prefetch(*reads: Callable[[], Any]) -> None:
    """Run several cached reads (ui.reads wrappers, as zero-argument callables) at once, so a page
    waits for the slowest instead of their sum; the results land in the caches the page reads next.
    Errors are left for the page's own call to raise and show.
    """
    ctx = get_script_run_ctx()

    def run(read):
        add_script_run_ctx(threading.current_thread(), ctx)  # so st.cache_data works in this thread
        try:
            read()
        except Exception:  # noqa: BLE001  (re-raised by the page's own call)
            pass

    with ThreadPoolExecutor(max_workers=min(4, len(reads))) as pool:
        list(pool.map(run, reads))


def change(url: str, func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Call the kb write FUNC(session, ...) in a committed session, then drop cached reads."""
    with session_scope(engine_for(url)) as session:
        result = func(session, *args, **kwargs)
    st.cache_data.clear()
    return result


def page_setup(title: str) -> str:
    """Title the page and return the database URL, or stop with a one-line error if it cannot open."""
    st.title(title)
    try:
        url = database_url()
        engine_for(url)
    except AikbError as exc:
        st.error(f"Cannot open the database: {md_escape(str(exc))}")
        st.stop()
    return url


# ---------------------------------------------------------------------------------------------
# Markdown that shows text as text
# ---------------------------------------------------------------------------------------------

# Every ASCII punctuation mark CommonMark lets us escape that could start markup: emphasis, links,
# images, code, HTML/autolinks, tables, headings, lists, Streamlit's :color[...] directives and $math$.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=^&\"'])")


def md_escape(text: Optional[str]) -> str:
    """TEXT as Markdown that renders literally: every markup character escaped, lines joined."""
    return _escape(" ".join(str(text or "").split()))  # newlines would start blocks (headings, lists)


# GitHub-flavoured Markdown turns bare "http://...", "www...." and "name@host.tld" in *text* into links,
# whatever escaping came before (Streamlit's renderer links them after parsing). An invisible word
# joiner inside each such pattern keeps untrusted text from becoming a clickable link.
_WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?:(https?|ftp|mailto|xmpp)(?=:)|(www)(?=\.)|([-.\w+])(?=@))")


def _escape(text: str) -> str:
    text = _AUTOLINK.sub(lambda m: m.group(0) + _WORD_JOINER, text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_url(url: Optional[str]) -> Optional[str]:
    """URL percent-encoded for a Markdown link target, or None unless it is http(s) with a host."""
    if not isinstance(url, str) or not url:  # pandas hands missing values over as NaN
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    # Parentheses, spaces, angle brackets, quotes and backslashes would end or break the link target.
    return quote(url.strip(), safe="/:?#&=%+@;,~!*$")


def md_link(label: Optional[str], url: Optional[str]) -> str:
    """A Markdown link with an escaped label; plain escaped text when the URL is not http(s)."""
    label_md = md_escape(label) or md_escape(url) or "untitled"
    target = safe_url(url)
    return f"[{label_md}]({target})" if target else label_md


def format_value(value: float) -> str:
    """86.4 -> '86.4', 90.0 -> '90': how scores are written in news text."""
    return f"{value:.10g}"


def _value_patterns(value: float, unit: Optional[str] = None) -> list[str]:
    text = format_value(value)
    numbers = {text} | ({f"{text}.0"} if "." not in text else set())
    variants = set(numbers)
    if unit:  # "58.7%" and "1402 Elo" light up whole
        variants |= {f"{n}{unit}" for n in numbers} | {f"{n} {unit}" for n in numbers}
    return sorted(variants, key=len, reverse=True)


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans where any of TERMS occurs in TEXT (case-insensitive, whole tokens)."""
    spans: list[tuple[int, int]] = []
    for term in terms:
        term = (term or "").strip()
        if not term:
            continue
        # Token edges so "86.4" does not light up inside "186.45".
        pattern = r"(?<![\w.])" + re.escape(term) + r"(?![\w]|\.\d)"
        spans.extend(m.span() for m in re.finditer(pattern, text, flags=re.IGNORECASE))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_evidence(evidence: str, *, value: float, model: str = "", benchmark: str = "",
                       unit: Optional[str] = None) -> str:
    """The evidence sentence as safe Markdown, with the claim's value (and unit), model and benchmark marked."""
    flat = " ".join((evidence or "").split())
    terms = [*_value_patterns(value, unit), model, benchmark]
    out, pos = [], 0
    for start, end in highlight_spans(flat, terms):
        out.append(_escape(flat[pos:start]))
        out.append(f":orange-background[**{_escape(flat[start:end])}**]")
        pos = end
    out.append(_escape(flat[pos:]))
    return "".join(out)


def order_sources(sources: Iterable) -> list:
    """Sources with the original outlet's article first, then by publication time."""
    far = datetime.max.replace(tzinfo=None)

    def key(src):
        original = not src.original_outlet or (src.outlet or "").lower() == src.original_outlet.lower()
        when = src.published_at.replace(tzinfo=None) if src.published_at else far
        return (0 if original else 1, when, src.article_id)

    return sorted(sources, key=key)


def end_of_day(day: Optional[date | str]) -> Optional[datetime]:
    """The last instant (UTC) of DAY, a date or 'YYYY-MM-DD'; None when there is none or it is malformed."""
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            return None
    if not isinstance(day, date):
        return None
    return datetime.combine(day, time.max, tzinfo=timezone.utc)


def widget_hint(key: str):
    """What widget KEY will hold this run: its state, else the URL's value (read before the widget exists)."""
    return st.session_state.get(key) or st.query_params.get(key) or None


def fmt_date(when: Optional[datetime | date]) -> str:
    """A date as YYYY-MM-DD, or an em dash when unknown."""
    if when is None:
        return "—"
    return when.strftime("%Y-%m-%d")


# ---------------------------------------------------------------------------------------------
# Shared pieces of pages
# ---------------------------------------------------------------------------------------------

def choose_name(items: list, label: str, placeholder: str, *, none_yet: str, caption: str) -> str:
    """The name picked (or typed) in the page's "name" select box, bound to the URL's ?name=; an info and a
    stop when ITEMS is empty (NONE_YET: "No models yet"), a caption and a stop while nothing is chosen
    (CAPTION, with {n} the number of ITEMS)."""
    if not items:
        st.info(f"{none_yet}: {INGEST_HINT}.")
        st.stop()
    name = st.selectbox(label, options_with_current(items, "name"), index=None, accept_new_options=True,
                        key="name", bind="query-params", placeholder=placeholder)
    if not name:
        st.caption(caption.format(n=len(items)))
        st.stop()
    return str(name)


def entity_page(url: str, read: Callable[..., Any], name: str, noun: str, *, alias_caption: bool = True) -> Any:
    """The page record READ(url, NAME) (a ui.reads wrapper) with its name as the header, or a warning and a
    stop when there is none.

    With ALIAS_CAPTION the other spellings go in a caption under the header (the org and person pages).
    """
    page = read(url, name)
    if page is None:
        st.warning(f"No {noun} called {md_escape(name)}.")
        st.stop()
    st.header(md_escape(page.name), anchor=False)
    if alias_caption and page.aliases:
        st.caption("also written " + ", ".join(md_escape(a) for a in page.aliases))
    return page


PAGE_SIZE = 25
PAGES_DIR = Path(__file__).resolve().parent / "views"


def claim_headline(hit) -> str:
    """'**GPT-5** · CharXiv Reasoning · **86.4%** · with tools' as safe Markdown."""
    unit = "" if hit.unit in (None, "", "score") else hit.unit  # a bare "score" says nothing
    value = f"{format_value(hit.value)}{unit if unit in ('%', '') else ' ' + unit}"
    parts = [f"**{md_escape(hit.model)}**", md_escape(hit.benchmark), f"**{md_escape(value)}**"]
    if hit.qualifier:
        parts.append(f"_{md_escape(hit.qualifier)}_")
    return " · ".join(parts)


def claim_meta(hit) -> str:
    """Who reported it, hedged or not, corroboration and first-reported date, as safe Markdown."""
    reporter = md_escape(hit.reported_by) or "unknown reporter"
    if hit.reporter_kind:
        reporter += f" ({md_escape(hit.reporter_kind)})"
    hedge = ":orange-badge[hedged]" if hit.hedged else ":green-badge[stated]"
    outlets = "outlet" if hit.corroboration == 1 else "outlets"
    disputed = " · :red-badge[disputed]" if getattr(hit, "disputed", False) else ""
    when = (f"undated, first seen {fmt_date(hit.first_reported_at)}" if getattr(hit, "undated", False)
            else f"first reported {fmt_date(hit.first_reported_at)}")
    return f"Reported by {reporter} · {hedge} · corroborated by {hit.corroboration} {outlets}{disputed} · {when}"


def sources_markdown(sources, hit=None) -> str:
    """Links to every source article, the original outlet's first, as a safe Markdown list.

    With the claim HIT, each source also shows its own evidence sentence (the claim highlighted in it),
    or says that it wrote the same sentence as the one quoted above.
    """
    lines = []
    for src in order_sources(sources):
        where = md_escape(src.outlet) or "unknown outlet"
        if src.original_outlet and (src.outlet or "").lower() != src.original_outlet.lower():
            where += f", originally {md_escape(src.original_outlet)}"
        line = f"- {md_link(src.title, src.url)} ({where}, {fmt_date(src.published_at)})"
        if hit is not None and src.evidence:
            if " ".join(src.evidence.split()) == " ".join((hit.evidence or "").split()):
                line += "  \n  _the sentence quoted above_"
            else:
                line += "  \n  “" + highlight_evidence(src.evidence, value=hit.value, model=hit.model,
                                                      benchmark=hit.benchmark, unit=hit.unit) + "”"
        lines.append(line)
    return "\n".join(lines)


def claim_card(hit) -> None:
    """One claim: headline, provenance, the highlighted evidence and its sources."""
    with st.container(border=True):
        st.markdown(claim_headline(hit))
        st.markdown(claim_meta(hit))
        if hit.evidence:
            st.markdown("“" + highlight_evidence(hit.evidence, value=hit.value, model=hit.model,
                                                 benchmark=hit.benchmark, unit=hit.unit) + "”")
        if hit.sources:
            st.markdown(sources_markdown(hit.sources, hit))
        left, right, reader = st.columns(3)
        left.page_link(PAGES_DIR / "model.py", label=f"Model: {md_escape(hit.model)}", icon=":material/smart_toy:",
                       query_params={"name": hit.model})
        right.page_link(PAGES_DIR / "benchmark.py", label=f"Benchmark: {md_escape(hit.benchmark)}",
                        icon=":material/leaderboard:", query_params={"bench": hit.benchmark})
        reader.page_link(PAGES_DIR / "reader.py", label="Read the article", icon=":material/article:",
                         query_params={"claim": str(hit.claim_id)})


def options_with_current(options: list[str], key: str) -> list[str]:
    """OPTIONS plus the value the widget KEY holds or the URL names, when that is not among them.

    Facet lists stop at the most used names, so a shared link may name a rarer one; it must stay
    selectable rather than be silently dropped.
    """
    current = st.session_state.get(key) or st.query_params.get(key)
    if isinstance(current, str) and current and current not in options:
        return [current, *options]
    return list(options)


def csv_download(label: str, records: Any, file_name: str, *, key: str) -> None:
    """A download button for RECORDS (a list of dicts or a DataFrame) written by kb's one CSV writer.

    The dataframes' own CSV export is switched off (client.disableDataExport, set in app.py): it
    writes cells as they are, so a title starting with "=" would run as a formula in a spreadsheet.
    """
    from kb.csv_safe import csv_text

    rows = records.to_dict("records") if hasattr(records, "to_dict") else list(records)
    fields = list(records.columns) if hasattr(records, "columns") else list(rows[0].keys() if rows else [])
    st.download_button(label, csv_text(fields, rows), file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:")
