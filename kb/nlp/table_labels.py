"""Read the text of table cells: numeric values, settings, units, and model/benchmark names.

Pure string functions used by kb/nlp/tables.py: what a cell or header says, not where it sits.
Name shapes are the fallback when the resolvers (the gazetteer) do not know a name.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

EMPTY = {"", "-", "--", "\u2013", "\u2014", "\u2015", "\u2212", "n/a", "na", "n.a.", "none", "null", "?",
         "\u2026", "...", "tbd", "x", "\u2717", "\u2718", "\u2713", "\u2714", "*", "\u2020"}
FOOTNOTE = re.compile(r"\s*(?:\[\s*[\w*\u2020\u2021]{1,3}\s*\]|[*\u2020\u2021\u00a7\u00b6\u2191\u2193\u25b2\u25bc]+"
                      r"|(?<![A-Za-z+])#+"
                      r"|[\u00b9\u00b2\u00b3\u2070-\u2079\u1d43-\u1d4b]+)(?=\s|$|[,;:)\]])")
VALUE = re.compile(
    r"^(?P<num>[-\u2212]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+))\s*(?P<unit>%|elo\b|pts\b|points\b)?\s*"
    r"(?:(?:\u00b1|\+/-|\+-)\s*\d+(?:\.\d+)?\s*%?)?\s*(?P<unit2>%)?\s*"
    r"(?:[(\[](?P<paren>[^()\[\]]{1,48})[)\]])?$", re.I)
NUMBERISH = re.compile(r"^[~<>\u2248\u2264\u2265+\-\u2212$\u20ac]?\s*\.?\d")
# What may follow a value on its own line in a cell: a delta, a ratio, a rank.
AUX_LINE = re.compile(r"^[(\[]?[+\-\u2212\u00b1~]?\s*\d+(?:\.\d+)?\s*(?:x|%|pts|points|pp)?[)\]]?$", re.I)

SETTING_PHRASE = re.compile(r"""(?ix)
    \b(?:pass|maj|avg|cons|best|mean)\s*[@^]\s*\d+\b
  | \b\d+\s*-?\s*shots?\b | \b(?:zero|one|few)[-\s]shot\b
  | \b(?:with|without|w/o?|no|using)\s*(?:tools?|search|python|code(?:\s+execution)?|browsing|web|thinking
        |reasoning|cot|retrieval|rag|scaffold(?:ing)?|harness)\b
  | \b(?:non-?)?thinking\b | \bchain[-\s]of[-\s]thought\b | \bcot\b | \bdeep\s+think\b
  | \b(?:x?high|medium|low|minimal|max(?:imum)?)\s+(?:reasoning|effort|compute|thinking|budget)(?:\s+effort)?\b
  | \breasoning\s+effort\b | \b[\w-]+\s+mode\b | \btext[-\s]only\b | \bsingle\s+attempt\b
  | \b(?:parallel\s+)?test[-\s]time\s+compute\b | \b\d+k\s+(?:thinking|budget|context)\b | \bbest[-\s]of[-\s]\d+\b""")
TRAILING_SETTING = re.compile(r"(?i)\s+((?:pass|maj|avg|cons|best|mean)\s*[@^]\s*\d+|\d+\s*-?\s*shots?|(?:zero|one|few)[-\s]shot)$")
AT_SETTING = re.compile(r"(?i)\s+(at\s+\d[\d.,]*\s*[km]?\s+[a-z]+)(?=\s*(?:[(\[]|$))")
# A parameter count in a model table's "Size" column: "34B", "2.5B", "335M".
PARAM_SIZE = re.compile(r"^\d+(?:\.\d+)?\s?[BMKT]$")
SETTING_WORDS = frozenset((
    "thinking non-thinking tools fast instant high low medium xhigh max minimal default pass@1 "
    "cot agent "
).split()) | {"no tools", "agentic mode"}
# Header of a label column (or corner of a header row) whose cells are settings, not data.
SETTING_ROLES = frozenset((
    "setting settings mode config configuration shots shot effort variant condition "
).split()) | {"evaluation setting", "eval setting", "reasoning effort", "n shots", "shots k"}
# The last word of a spec column's header ("Model Parameters", "Total Size"); not "Benchmark (Metric)".
SPEC_HEADS = frozenset("parameters params size".split())
# Header of a label column whose cells are models: a checkpoint id no name shape knows counts there.
MODEL_ROLES = frozenset({"model", "models", "model name", "name", "checkpoint"})
CHECKPOINT_ID = re.compile(r"^(?=.*[a-z])[A-Za-z][\w.]*(?:[-/][\w.]+){1,6}$")  # "xyz-embed-base", "org/xyz-small"
# Label columns that describe a row; only a setting in them is used.
SKIP_ROLES = frozenset((
    "category capability capabilities description domain area topic aspect type notes note skill focus "
    "measures group section comment metric metrics organization organisation org lab developer provider company vendor "
    "creator maker license licence params parameters size type access availability "
).split()) | {"what it measures"}

# Names of well-known benchmarks and model families are data (data/patterns/table_names.jsonl); the
# generic vocabulary of benchmark names stays here.
_NAMES = [json.loads(line) for line in (Path(__file__).resolve().parents[2] / "data" / "patterns" / "table_names.jsonl")
          .read_text(encoding="utf-8").splitlines() if line.strip()]
BENCH_WORDS = re.compile(
    r"(?i)bench|\w[ -]?eval(?:\b|\d)|\bevals?\b|\bexam\b|arena|olympiad|\w?qa\b|\bmath\b|math[- ]?\d|intelligence index|"
    r"last exam|" + "|".join(r["regex"] for r in _NAMES if r["kind"] == "benchmark_word"))
METRICS = frozenset(r["word"] for r in _NAMES if r["kind"] == "metric")
ACRONYM = re.compile(r"^[A-Z]{3,}[A-Z0-9]*(?:[-/][A-Za-z0-9.]+)*$")
# All-caps words that are not benchmarks.
ACRONYM_STOP = frozenset((
    "API GPU CPU TPU USD EUR GBP RAM VRAM MOE LLM SDK URL FAQ CEO TTFT RPM TPM QPS MAU DAU ARR "
    "ROI KPI SLA FLOPS PDF JSON HTML RAG SSO SOC HIPAA GDPR OCR TTS ASR ETA UTC PST EST CET GMT "
    "TBD YES NO N/A ALL NEW BETA GA HBM TDP TFLOPS PFLOPS TOPS NVLINK PCIE SRAM DRAM FPS DPI "
).split())
FAMILIES = re.compile(
    r"(?i)^(?:" + "|".join(re.escape(r["word"]) for r in _NAMES if r["kind"] == "model_family") + r")(?=$|[\s\-_.\d])")
# "(GB)", "(ms)", "(W)", "(tokens)": a physical or money unit marks a spec/price row, not a score.
MEASURE_UNIT = re.compile(r"(?i)^\s*(?:[kmgtp]?b|[kmgtp]?w|wh|kwh|ms|s|sec|seconds|min|minutes|hours?|days?|"
                          r"years?|tok(?:ens)?(?:/s)?|[kmbt]|gb/s|tb/s|[tp]?flops|[mg]hz|nm|ml|l|g|kg|co2e?|usd|eur|"
                          r"millions?|billions?|users|requests)(?:\s*/\s*(?:query|request|token|sample|image|step|gpu|s|sec))?\s*$")  # "seconds/query", not "w/ tools"
HARDWARE = re.compile(r"^(?:[A-Z]{1,3}\d{2,4}[A-Z]?|TPU\s?v\d+\w*)$")  # H100, B200, MI300X, TPU v5p
REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,38}/([\w.-]{2,96})$")
REPO_SIZE = re.compile(r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?[bBmM](?![A-Za-z])")
NAME_SIZE = re.compile(r"(?:[\s_-])(?:A?\d+(?:\.\d+)?[BM])(?=$|[\s_-])")
O_SERIES = re.compile(r"^o\d(?:[\s-][\w.]+){0,2}$")
GENERIC_MODEL = re.compile(
    r"^[A-Z][a-z][A-Za-z]*(?:[\s-][A-Z][A-Za-z]+)?[\s-]?[vV]?(?P<ver>\d+(?:\.\d+)*)[a-zA-Z]?"
    r"(?:[\s-][A-Za-z0-9.]+){0,3}$")
# Words that keep a name-like header from counting as an unseen benchmark ...
NON_BENCH = frozenset((
    "average avg mean overall total price pricing cost input output context window parameters "
    "params release released date license licence latency speed throughput tokens size rank notes "
    "description category capability setting mode model models metric year version type vendor "
    "provider weights count users respondents share percent percentage revenue time seconds "
    "memory hardware availability cutoff delta change improvement gain difference uplift "
).split())
# ... or as any benchmark, whatever a resolver says.
HARD_NON_BENCH = frozenset((
    "price pricing cost latency throughput ttft batch parameters params release released license "
    "licence revenue usd memory vram cutoff dim dimension dimensions "
).split())
# An average or total over benchmarks is not a benchmark ("Average", "Avg."); "SomeBench (avg)" is one.
AGGREGATE = frozenset("average avg mean".split())
# The header of a results table's one value column that names no model ("Score", "Accuracy (%)").
SCORE_HEADER = frozenset("score scores result results accuracy acc value performance".split())
# A header or label with one of these words marks numbers that are not scores.
NOT_A_SCORE = frozenset("rank ranking position delta improvement relative ratio".split())
# Words that keep a column/row from counting as an unseen model.
NON_MODEL = frozenset((
    "human humans expert experts baseline previous prior best sota average avg mean median delta "
    "change improvement gain diff difference vs category benchmark benchmarks task notes "
    "description setting metric random chance majority oracle models model ours competitors "
    "competitor open closed frontier other others industry leaderboard top rank score scores "
    "price input output context year total source capability domain reference target threshold "
    "people respondents percent state art result results weights group tokens batch ms s latency "
    "throughput speed gpu cost size memory time questions items problems tasks samples examples prompts "
    "instances languages number split released license paper link url n "
).split())


@dataclass
class Axis:
    """What one label (a row's label cells or a column's header cells) says."""
    name: Optional[str] = None
    strict: bool = False  # recognised by a resolver or a name shape, not just name-like
    quals: tuple[str, ...] = ()
    unit: Optional[str] = None
    text: str = ""
    size: Optional[str] = None  # a parameter count from a "Size" label column ("34B")
    label: str = ""  # the whole cell the name came from ("MMMU<br>(val/test)" -> "MMMU (val/test)")


def is_empty(text: str) -> bool:
    """A blank, dash, 'n/a' or check-mark cell: no value."""
    return text.strip().lower() in EMPTY


Parsed = tuple[float, Optional[str], Optional[str]]  # (value, unit, setting) of a numeric cell
# The table reader's resolvers by kind ("model", "benchmark"), plus its "identified" label cache.
Resolvers = dict[str, Any]


def parse_value(cell_text: str, lines: tuple[str, ...] = ()) -> Optional[Parsed]:
    """A numeric cell -> (value, unit from the cell or None, setting in parentheses or None)."""
    text = FOOTNOTE.sub("", cell_text).strip()
    m = VALUE.match(text)
    below = None  # "72.5%" with "5-shot" on the line beneath it: the value and its setting
    if not m and len(lines) > 1 and all(AUX_LINE.match(x) or is_setting(x) for x in lines[1:]):
        m = VALUE.match(lines[0])
        below = next((x.strip(" ()[]") for x in lines[1:] if is_setting(x) and not AUX_LINE.match(x)), None)
    pair = re.fullmatch(r"([^/]+?)\s*/\s*([^/]+)", text) if not m else None
    second = VALUE.match(pair.group(2)) if pair else None
    if pair and second and VALUE.match(pair.group(1)):
        # "72.5% / 79.4%": launch posts put the standard run first and a boosted setting second.
        m = VALUE.match(pair.group(1))
    if not m:
        return None
    unit = m.group("unit") or m.group("unit2") or (second and (second.group("unit") or second.group("unit2")))
    unit = {"%": "%", "elo": "Elo"}.get((unit or "").lower())
    paren = m.group("paren")
    qual = paren.strip() if paren and is_setting(paren) else below
    return float(m.group("num").replace(",", "").replace("\u2212", "-")), unit, qual


def is_setting(text: str) -> bool:
    """Short text that names an evaluation setting: 'pass@1', 'with tools', '5-shot', 'high effort'."""
    t = text.strip(" ()[]").lower()
    if not t or len(t) > 48 or len(t.split()) > 6:
        return False
    return t in SETTING_WORDS or bool(SETTING_PHRASE.search(t))


def _unit_word(text: str) -> Optional[str]:
    t = text.strip().lower()
    if "%" in t or t in {"percent", "accuracy", "pass rate", "success rate", "win rate"}:
        return "%"
    if re.search(r"\belo\b|\brating\b", t):
        return "Elo"
    return None


def _split_label(text: str) -> tuple[str, list[str]]:
    """'CodeBench (pass@1)' -> ('CodeBench', ['pass@1']); also ' — ', ': ', ', ' and 'w/ tools'."""
    suffixes = [s.strip() for s in re.findall(r"[(\[]([^()\[\]]*)[)\]]", text) if s.strip()]
    base = re.sub(r"\s*[(\[][^()\[\]]*[)\]]", " ", text).strip()
    m = re.search(r"\s+[\u2014\u2013-]\s+|:\s+|,\s+", base)
    if m:
        base, rest = base[:m.start()].strip(), base[m.end():].strip()
        suffixes.insert(0, rest)
    m = re.search(r"\s+((?:with|without|w/o?|no)\s+tools?)$", base, re.I)
    if m:
        base = base[:m.start()].strip()
        suffixes.insert(0, m.group(1))
    m = AT_SETTING.search(base)
    if m and m.start() > 0:  # "XBench Score at 256 Dimensions": the size it was measured at
        base = base[:m.start()].strip()
        suffixes.insert(0, m.group(1))
    m = TRAILING_SETTING.search(base)
    if m and m.start() > 0:  # "XBench 2025 pass@1", "YQA 5-shot": the setting written after the name
        base = base[:m.start()].strip()
        suffixes.insert(0, m.group(1))
    return re.sub(r"\s+", " ", base).strip(" -\u2014:"), suffixes


def word_set(text: str) -> set[str]:
    """The lower-case words of TEXT."""
    return set(re.findall(r"[a-z#]+", text.lower()))


def looks_like_benchmark(text: str) -> bool:
    """Generic shape of a benchmark name: 'XBench Verified', 'YQA Diamond', 'ZMATH 2025', 'ABC-Pro'."""
    if not text or len(text) > 60 or FAMILIES.match(text) or O_SERIES.match(text):
        return False
    if BENCH_WORDS.search(text):
        return True
    first = text.split()[0]
    if re.fullmatch(r"[A-Z]{2,}-?[vV]?\d+(?:\.\d+)*", text):
        return False  # "XLR-2" is as often a model as a benchmark: let the other axis decide
    return bool(ACRONYM.match(first)) and first.upper() not in ACRONYM_STOP and not looks_like_model(text)


def looks_like_model(text: str) -> bool:
    """Generic shape of a model name: 'Wren-5.4', 'Kestrel Ultra 4.6', 'Zephyr 2.1 Pro', 'o3'."""
    repo = REPO_ID.match(text or "")
    if repo:  # "org-name/Model-7B-hf": a checkpoint's repository id names a model when its tail does
        tail = repo.group(1)
        if REPO_SIZE.search(tail) and not BENCH_WORDS.search(tail):
            return True  # "org/wren-7b", "org/open_wren_3b_v2": lower-case ids with a parameter count
        text = tail
    if not text or len(text) > 48 or len(text.split()) > 6 or BENCH_WORDS.search(text):
        return False
    if FAMILIES.match(text) or O_SERIES.match(text):
        return True
    if NAME_SIZE.search(text) and re.match(r"[A-Za-z]", text):
        return True  # "WREN3-VL-10B", "Kestrel-2 13B": a parameter count inside a name marks a model
    m = GENERIC_MODEL.match(text)
    # "XBench 2025" has the shape "<Name> <number>" too; a year is not a model version.
    return m is not None and not re.fullmatch(r"(?:19|20)\d\d", m.group("ver"))


def _not_benchmark(text: str) -> bool:
    """Prices, hardware, sizes and latencies: labels that are never benchmarks, whatever a resolver says."""
    first = text.split()[0].upper() if text.split() else ""
    if first in ACRONYM_STOP or word_set(text) & HARD_NON_BENCH or "$" in text or HARDWARE.match(text):
        return True
    return any(MEASURE_UNIT.match(s) for s in re.findall(r"[(\[]([^()\[\]]*)[)\]]", text))


def _name_like(text: str, kind: str) -> bool:
    """Lenient: could be an unseen model/benchmark name once the table is known to be a score table."""
    if not text or not re.search(r"[A-Za-z]", text) or is_setting(text) or VALUE.match(text) or HARDWARE.match(text):
        return False
    if kind == "model":
        # Capitalised, or a lower-case checkpoint id with a hyphen and a digit ("e5-base-v2").
        return (len(text) <= 40 and len(text.split()) <= 5 and not word_set(text) & NON_MODEL and not PARAM_SIZE.match(text)
                and bool(re.match(r"[A-Z0-9]", text) or re.fullmatch(r"[a-z][\w.]*(?:-[\w.]+)+", text)
                         and re.search(r"\d", text)))
    return len(text) <= 60 and len(text.split()) <= 8 and not word_set(text) & NON_BENCH


def identify(text: str, kind: str, res: Resolvers) -> Optional[Axis]:
    """Is this header/label text a model (kind='model') or benchmark, and with which settings?"""
    cache: dict[tuple[str, str], Optional[Axis]] = res.setdefault("identified", {})  # read for both orientations
    if (text, kind) not in cache:
        cache[(text, kind)] = _identify_uncached(text, kind, res)
    return cache[(text, kind)]


def _identify_uncached(text: str, kind: str, res: Resolvers) -> Optional[Axis]:
    other = "benchmark" if kind == "model" else "model"
    shape = {"model": looks_like_model, "benchmark": looks_like_benchmark}
    base, suffixes = _split_label(text)
    m = re.search(r"\s+(elo|rating|accuracy|score|\(?%\)?)$", base, re.I)
    if kind == "benchmark" and m and m.start() > 0:
        base, suffixes = base[:m.start()], [m.group(1), *suffixes]  # "Arena rating": unit, not name
    if kind == "benchmark" and (_not_benchmark(base) or _not_benchmark(AT_SETTING.sub(" ", text))
                                or word_set(base) & AGGREGATE):
        return None  # prices, hardware and latency columns, whatever a resolver says
    name, strict, used = None, False, None
    own_shape, other_shape = shape[kind](base), shape[other](base)
    # A name shape breaks a tie with an over-eager resolver ("Halcyon 3 Pro" is no benchmark).
    if res[kind](base) and not (other_shape and not own_shape):
        name, strict = written_name(base, res[kind](base), kind), True
    elif own_shape and not other_shape:
        name, strict = base, True
    elif res[other](base) or other_shape:
        return None
    elif res[kind](text):
        name, strict, suffixes = written_name(text, res[kind](text), kind), True, []
    elif kind == "benchmark":
        # "Long-context reasoning (XYZR v2)": the name is in the parentheses, the base describes it.
        for s in suffixes:
            if not _not_benchmark(s) and s.lower() not in METRICS and (res[kind](s) or shape[kind](s)):
                name, strict, used = written_name(s, res[kind](s) or s, kind), True, s
                break
    if name is None and _name_like(base, kind):
        name = base
    if name is None:
        return None
    quals, unit = [], None
    for s in suffixes:
        if s == used:
            continue
        if _unit_word(s) and not is_setting(s):
            unit = unit or _unit_word(s)
        elif is_setting(s) or (kind == "benchmark" and len(s.split()) <= 4 and not re.fullmatch(r"[A-Z0-9-]+", s)):
            quals.append(s)  # "XYZR v2 (8-needle)", "tool-bench: Retail"; not an alias like "(ABC)"
    return Axis(name, strict, tuple(quals), unit, text)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def written_name(written: str, canonical: str, kind: str) -> str:
    """The name a table gives, once a resolver has recognised it.

    A benchmark keeps the table's spelling (an acronym, "SomeBench v6", "Some-Bench" as "SomeBench"): the store links
    spellings to one entity through the gazetteer's aliases, and a version or variant the gazetteer
    folds away is part of what was measured. A model keeps the table's spelling when it is more specific
    than the resolver's name ("Wren3-1B-Instruct" over "Wren 3", "org/Model-7B" over "Model-7B"),
    and takes the resolver's fuller name for a short form ("Ultra 4" -> "Wren Ultra 4").
    """
    written = re.sub(r"\s+", " ", written).strip()
    if kind == "benchmark" or not canonical:
        return written or canonical
    w, c = _squash(written), _squash(canonical)
    return written if c in w and len(w) > len(c) else canonical


def _continues(line: str) -> bool:
    """A line that can be the rest of a name broken by <br>: one capitalised word, no setting."""
    base = re.sub(r"\s*[(\[][^()\[\]]*[)\]]", "", line).strip()
    return bool(base) and len(base.split()) == 1 and bool(re.match(r"[A-Z0-9]", base)) and not is_setting(line)


def checkpoint(text: str) -> Optional[Axis]:
    """A cell under a "Model" header shaped like a checkpoint id ("xyz-embed-base", "ABC-reranker-v2-m3"):
    an unseen model (lenient), even when lower-case or shaped like a benchmark acronym."""
    # An acronym id ("ABC-reranker-v2") has a benchmark's shape too: the header decides. A table whose corner
    # says "Model" above benchmark rows is read the other way round (its columns are the recognised models).
    if not CHECKPOINT_ID.match(text) or len(text) > 64 or BENCH_WORDS.search(text):
        return None
    if is_setting(text) or {w for w in word_set(text) if len(w) > 1} & NON_MODEL:  # "-s" is a size, not seconds
        return None
    return Axis(text, False, (), None, text)


def role_of(text: str) -> str:
    """A label column's header reduced to letters: '# Shots' -> 'shots'."""
    return re.sub(r"[^a-z ]", "", text.lower()).strip()


def _label_items(cells: list[tuple[str, str, tuple[str, ...]]], kind: str,
                 res: Resolvers) -> Optional[list[tuple[str, str, str]]]:
    """A label's cells as (text, role, the whole cell), a cell's lines apart when one of them is the name;
    None for a label that marks numbers that are no scores."""
    items: list[tuple[str, str, str]] = []
    for text, role, lines in cells:
        if word_set(text) & NOT_A_SCORE or "\u0394" in text:
            return None  # a "Rank" or "Δ vs. previous" sub-column under a model holds no score
        # "Kestrel Ultra 4.6<br>thinking": read the lines apart when one of them is the name on its own.
        # "XYZ<br>Challenge" is one name broken over two lines: read whole unless a later line is a setting.
        # A description beneath a name ("Abstract visual puzzles") is no continuation of it.
        whole = (len(lines) > 1 and all(_continues(x) and not ((b := identify(x, kind, res)) and b.strict)
                                        for x in lines[1:])
                 and (a := identify(text, kind, res)) is not None and a.strict)
        named = [x for x in lines if (a := identify(x, kind, res)) and a.strict] if len(lines) > 1 and not whole else []
        if named:  # the other lines (a maker, a description) may only add a setting
            items.extend((x, role if x == named[0] else "note", text) for x in lines)
        else:
            items.append((text, role, text))
    return items


def pick(cells: list[tuple[str, str, tuple[str, ...]]], kind: str, res: Resolvers) -> Axis:
    """Choose the model/benchmark among a label's cells (text, role, lines); the rest add settings/units."""
    items = _label_items(cells, kind, res)
    if items is None:
        return Axis()
    found: list[Axis] = []
    quals: list[str] = []
    unit = size = None
    labels: dict[int, str] = {}
    named_i: Optional[int] = None
    for text, role, cell_text in items:
        role_l = role_of(role)
        if is_empty(text):
            continue
        if role_l in SETTING_ROLES or "shot" in role_l:
            if _unit_word(text) and not is_setting(text):
                unit = unit or _unit_word(text)
            elif len(text) <= 48:
                quals.append(f"{text}-shot" if "shot" in role_l and text.isdigit() else text)
            continue
        if PARAM_SIZE.match(text):  # a bare "7B" is a size, never a name
            size = size or text.replace(" ", "")
            continue
        # "Model Parameters" is a "parameters" column. "Metric: acc" is no setting, "Metric: pass@1" is;
        # "Accuracy (%)" a unit.
        if role_l in SKIP_ROLES or role_l.rpartition(" ")[2] in SPEC_HEADS:
            if is_setting(text):
                quals.append(text)
            unit = unit or _unit_word(text)
            continue
        axis = identify(text, kind, res)
        if axis is None and kind == "model" and role_l in MODEL_ROLES:
            axis = checkpoint(text)
        if axis:
            found.append(axis)
            labels[len(found) - 1] = cell_text
            if kind == "model" and role_l in MODEL_ROLES and axis.strict:
                named_i = len(found) - 1
        elif is_setting(text):
            quals.append(text)
        unit = unit or ("%" if "%" in text else None)
    if not found:
        return Axis(quals=tuple(quals), unit=unit, size=size)
    # The model a "Model" column names (not a download link beside it); else the last strict candidate:
    # the benchmark column right of a category, the model row under a group.
    best_i = named_i if named_i is not None else next(
        (i for i in reversed(range(len(found))) if found[i].strict), len(found) - 1)
    best = found[best_i]
    for other in found:
        if other is not best and is_setting(other.text):
            quals.append(other.text)
    return Axis(best.name, best.strict, best.quals + tuple(quals), best.unit or unit, best.text, size,
                labels.get(best_i, best.text))
