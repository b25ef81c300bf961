"""Write N synthetic but realistic AI-news articles as local RSS 2.0 and Atom feed files.

Every article is assembled from varied sentence templates: launches, benchmark results (in prose and
in score tables), open-weights releases and API-only launches, hires and departures, funding rounds,
independent evaluations and opinion pieces without any claim. Model, organization, benchmark and
people names mix well-known public names (facts, not text) with invented ones, so that both the
gazetteer and the name-shape rules of the extractor are exercised. About 3% of the items are
syndicated copies of an earlier article in another outlet's feed ("Originally reported by ..."),
so that story clustering runs too.

Generation streams: one feed file is written at a time and only a small ring of recent articles is
kept (for the syndicated copies), so a million articles cost no more memory than a thousand.

    .venv/bin/python bench/gen_feeds.py scratch/feeds --articles 10000 --per-feed 100
"""
from __future__ import annotations

import argparse
import random
import sys
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import escape

# (organization, its model families, kind) - public lab names are facts; the rest are invented.
ORGS = [
    ("OpenAI", ["GPT"], "closed"), ("Anthropic", ["Claude"], "closed"), ("Google DeepMind", ["Gemini"], "closed"),
    ("Meta", ["Llama"], "open"), ("Mistral AI", ["Mistral", "Magistral"], "open"), ("Alibaba", ["Qwen"], "open"),
    ("DeepSeek", ["DeepSeek"], "open"), ("xAI", ["Grok"], "closed"), ("Cohere", ["Command"], "open"),
    ("Aster Labs", ["Aster"], "open"), ("Northwind AI", ["Halo"], "closed"), ("Cedar Systems", ["Forge"], "open"),
    ("Meridian Research", ["Atlas"], "closed"), ("Lumen Dynamics", ["Lumen"], "open"),
    ("Kestrel Intelligence", ["Kestrel"], "closed"), ("Oriel AI", ["Oriel"], "open"),
    ("Halvorsen Lab", ["Fjord"], "open"), ("Tidewater Labs", ["Tide"], "closed"),
    ("Basalt Computing", ["Basalt"], "open"), ("Quillon AI", ["Quill"], "closed"),
]
VARIANTS = ["", " Pro", " Mini", " Flash", " Ultra", " Turbo", " Lite", " Max", " Instruct", " Reasoning", " Coder",
            " Nano", " Large", " Preview"]
# benchmark names are facts (public evaluation suites) plus a few invented ones
BENCHMARKS = ["GPQA Diamond", "SWE-bench Verified", "MMLU-Pro", "Humanity's Last Exam", "AIME 2025",
              "LiveCodeBench", "MATH-500", "ARC-AGI-2", "HumanEval", "MMMU", "Terminal-Bench", "BrowseComp",
              "SimpleQA", "Tau-bench", "HealthBench", "GSM8K", "ChartQA", "DocVQA", "Aider Polyglot",
              "FrontierMath", "OSWorld", "MathVista", "LegalBench Pro", "ChemReason", "AgentArena Hard"]
QUALIFIERS = ["", "", "", " with tools", " without tools", " (pass@1)", " in its high-compute setting",
              " using a 5-shot prompt", " with extended thinking"]
FIRST = ["Lena", "Tomas", "Amara", "Rafael", "Priya", "Jonas", "Sofia", "Kenji", "Marta", "Daniel", "Ines", "Oskar",
         "Hannah", "Wei", "Fatima", "Luca", "Noor", "Elif", "Mateo", "Grace", "Arjun", "Chloe", "Viktor", "Yara"]
LAST = ["Okafor", "Becker", "Nwosu", "Moreau", "Raman", "Feld", "Lindqvist", "Tanaka", "Kowalski", "Haugen",
        "Alvarez", "Brandt", "Chen", "Haddad", "Rossi", "Karimi", "Demir", "Silva", "Osei", "Novak", "Iyer"]
ROLES = ["chief executive", "chief scientist", "head of research", "chief technology officer",
         "vice president of engineering", "head of safety", "director of evaluation", "co-founder"]
CITIES = ["San Francisco", "London", "Paris", "Berlin", "Toronto", "Beijing", "Zurich", "Tel Aviv", "Seoul",
          "Bangalore", "Montreal", "Stockholm"]
OUTLETS = [("Frontier Wire", "frontierwire.example"), ("Model Ledger", "modelledger.example"),
           ("Tensor Times", "tensortimes.example"), ("Signal Hub", "signalhub.example"),
           ("Compute Daily", "computedaily.example"), ("Open Weights Weekly", "owweekly.example"),
           ("The Inference", "theinference.example"), ("Benchmark Brief", "benchbrief.example")]
EVALUATORS = ["Epoch AI", "Artificial Analysis", "LMArena", "Scale AI", "Vals AI"]
LICENSES = ["Apache 2.0", "the MIT licence", "a custom community licence", "a research-only licence"]


@dataclass
class Article:
    title: str
    html: str
    link: str
    guid: str
    author: str
    published: datetime
    outlet: str


def _person(rnd: random.Random) -> str:
    return f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"


def _model(rnd: random.Random, org) -> str:
    family = rnd.choice(org[1])
    major = rnd.randint(2, 7)
    version = f"{major}.{rnd.randint(1, 9)}" if rnd.random() < 0.4 else str(major)
    sep = "-" if family in ("GPT", "Qwen", "Aster", "DeepSeek") else " "
    return f"{family}{sep}{version}{rnd.choice(VARIANTS)}"


def _score(rnd: random.Random, bench: str) -> str:
    if bench in ("Humanity's Last Exam", "FrontierMath", "ARC-AGI-2"):
        value = rnd.uniform(4, 45)
    else:
        value = rnd.uniform(35, 97)
    return f"{value:.1f}"


class Writer:
    """Builds one article from a story type and a bag of facts."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd

    def facts(self) -> dict:
        r = self.rnd
        org = r.choice(ORGS)
        rival = r.choice([o for o in ORGS if o is not org])
        benches = r.sample(BENCHMARKS, r.randint(2, 5))
        return {
            "org": org[0], "org_kind": org[2], "model": _model(r, org), "prev": _model(r, org),
            "rival": rival[0], "rival_model": _model(r, rival), "benches": benches,
            "scores": [_score(r, b) for b in benches], "rival_scores": [_score(r, b) for b in benches],
            "quals": [r.choice(QUALIFIERS) for _ in benches], "person": _person(r), "role": r.choice(ROLES),
            "city": r.choice(CITIES), "evaluator": r.choice(EVALUATORS), "license": r.choice(LICENSES),
            "amount": r.choice([120, 250, 400, 600, 900, 1500, 2000, 6500]), "params": r.choice([7, 8, 14, 32, 70, 120, 405]),
            "day": r.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
        }

    def score_sentences(self, f: dict) -> list[str]:
        r, out = self.rnd, []
        for bench, score, qual, rival_score in zip(f["benches"], f["scores"], f["quals"], f["rival_scores"]):
            form = r.randrange(7)
            if form == 0:
                out.append(f"{f['model']} scores {score}% on {bench}{qual}, according to {f['org']}.")
            elif form == 1:
                out.append(f"On {bench}, {f['model']} reached {score}{qual}, ahead of {f['rival_model']} ({rival_score}).")
            elif form == 2:
                out.append(f"The company said the model posted {score} percent on {bench}{qual}, up from "
                           f"{float(score) - r.uniform(2, 15):.1f} for {f['prev']}.")
            elif form == 3:
                out.append(f"{f['evaluator']} measured {f['model']} at {score}% on {bench}{qual}, slightly below "
                           f"the {float(score) + r.uniform(0.3, 4):.1f}% the developer had reported.")
            elif form == 4:
                out.append(f"{f['rival_model']} from {f['rival']} still leads {bench} at {rival_score}%, while "
                           f"{f['model']} trails at {score}%.")
            elif form == 5:
                out.append(f"In internal tests, {f['org']} claims {f['model']} achieved {score} on {bench}{qual}, "
                           f"a figure outside researchers have not yet reproduced.")
            else:
                out.append(f"Its {bench} result of {score}%{qual} would place it among the top five systems on "
                           f"the public leaderboard.")
        return out

    def table(self, f: dict) -> str:
        rows = "".join(f"<tr><td>{escape(b)}</td><td>{s}</td><td>{rs}</td></tr>"
                       for b, s, rs in zip(f["benches"], f["scores"], f["rival_scores"]))
        return (f"<table><thead><tr><th>Benchmark</th><th>{escape(f['model'])}</th>"
                f"<th>{escape(f['rival_model'])}</th></tr></thead><tbody>{rows}</tbody></table>")

    def filler(self, f: dict) -> list[str]:
        r = self.rnd
        pool = [
            f"The {f['city']}-based company did not disclose how much compute the training run used.",
            "Analysts said pricing would matter as much as raw capability for enterprise buyers this year.",
            f"{f['org']} said the model handles a context window of up to {r.choice([128, 200, 256, 1000])} thousand tokens.",
            "Customers in finance and healthcare have asked for stronger audit tools before moving workloads.",
            f"The release follows a busy quarter in which at least {r.randint(4, 12)} labs shipped new flagship systems.",
            "A spokesperson declined to comment on when a smaller version would reach phones and laptops.",
            "Developers on the company's forum reported faster responses but occasional formatting errors.",
            "Several researchers cautioned that benchmark gains do not always carry over to real-world tasks.",
            f"{f['rival']} is expected to answer with an update of its own before the end of the year.",
            f"The model is available in {r.randint(3, 40)} countries at launch, with more regions to follow.",
            f"Pricing starts at ${r.choice([0.15, 0.4, 1.25, 2.5, 3, 15])} per million input tokens.",
            "Training data included licensed news archives, public code and synthetic problem sets, the company said.",
            "Investors have poured money into the sector even as questions about energy use have grown louder.",
            "Independent replication will take weeks, according to people familiar with the evaluation process.",
            "The team said it had spent months reducing refusals on harmless requests.",
            f"{_person(r)}, an analyst at a {r.choice(CITIES)} research firm, said the launch puts pressure on {f['rival']}.",
            f"The company has grown to about {r.randint(80, 3000)} employees since it was founded in {r.randint(2015, 2024)}.",
            "Early users said the new model writes longer answers and asks fewer clarifying questions.",
            f"{f['org']} said it ran red-team exercises with outside experts for {r.randint(3, 14)} weeks before launch.",
            "Cloud providers are expected to offer the model through their own marketplaces within a month.",
            "Regulators in Europe have asked developers to publish more detail about training data and testing.",
            f"The previous version, {f['prev']}, remains available for customers who need stable behaviour.",
            f"{f['person']} told reporters that the next milestone is reliable multi-step planning for agents.",
            "Shares of chip makers rose after the announcement, extending gains from earlier in the week.",
            "Some developers complained that rate limits on the free tier are lower than before.",
            "The lab has also published a model card describing known limitations and evaluation methods.",
            "Competition for trained researchers has pushed salaries at the largest labs to new highs.",
            f"{f['rival']} declined to comment on how its own systems compare.",
            f"According to the company, the model was trained on a cluster of {r.choice([4, 8, 16, 32, 100])} thousand accelerators.",
            "Open-source developers have already begun porting the model to run on consumer graphics cards.",
        ]
        return r.sample(pool, r.randint(7, 20))

    def article(self) -> tuple[str, str]:
        """(title, html) of one new article."""
        r = self.rnd
        f = self.facts()
        kind = r.choices(["launch", "scores", "open", "closed", "hire", "funding", "eval", "opinion"],
                         weights=[20, 20, 12, 10, 10, 8, 12, 8])[0]
        quote = (f'"{r.choice(["We built this for people who ship software", "Openness is how the field gets safer", "Benchmarks are a starting point, not the finish line", "Our customers asked for speed first"])}," '
                 f"said {f['person']}, {f['org']}'s {f['role']}.")
        paras: list[str] = []
        if kind == "launch":
            title = f"{f['org']} launches {f['model']}, its most capable model yet"
            paras.append(f"{f['org']} on {f['day']} launched {f['model']}, the successor to {f['prev']}, "
                         f"and said it would roll out to paying customers first.")
            paras.append(" ".join(self.score_sentences(f)[:3]))
        elif kind == "scores":
            title = f"{f['model']} tops {f['benches'][0]} in new results from {f['org']}"
            paras.append(f"{f['org']} published a technical report on {f['model']} that compares it with "
                         f"{f['rival_model']} across {len(f['benches'])} benchmarks.")
            paras.append(" ".join(self.score_sentences(f)))
        elif kind == "open":
            title = f"{f['org']} releases {f['model']} with open weights"
            paras.append(f"{f['org']} released the weights of {f['model']}, a {f['params']}-billion-parameter model, "
                         f"under {f['license']}, letting developers download and fine-tune it.")
            paras.append(" ".join(self.score_sentences(f)[:2]))
        elif kind == "closed":
            title = f"{f['model']} will be available only through {f['org']}'s API"
            paras.append(f"{f['org']} said {f['model']} will be offered only through its API and will not release "
                         f"the weights, citing safety reviews and the cost of serving the model.")
            paras.append(" ".join(self.score_sentences(f)[:2]))
        elif kind == "hire":
            title = f"{f['org']} hires {f['person']} as {f['role']}"
            paras.append(f"{f['org']} has appointed {f['person']} as its {f['role']}, the company said on {f['day']}. "
                         f"{f['person'].split()[0]} previously worked at {f['rival']} on the {f['rival_model']} project.")
            paras.append(f"{_person(r)}, who held the post before, will stay on as an adviser.")
        elif kind == "funding":
            title = f"{f['org']} raises ${f['amount']} million to train {f['model']}"
            paras.append(f"{f['org']} raised ${f['amount']} million in a round led by a group of {f['city']} investors, "
                         f"and said the money would pay for the training of {f['model']}.")
        elif kind == "eval":
            title = f"{f['evaluator']} tests {f['model']} and {f['rival_model']}"
            paras.append(f"{f['evaluator']}, which runs independent evaluations of AI systems, published results for "
                         f"{f['model']} on {f['day']}.")
            paras.append(" ".join(self.score_sentences(f)))
        else:
            title = f"Why the race between {f['org']} and {f['rival']} is changing"
            paras.append(f"For most of the past year, {f['org']} and {f['rival']} have traded places at the top of "
                         f"public leaderboards, and the gap between them has rarely been larger than a few points.")
        paras.append(quote)
        filler = self.filler(f)
        while filler:
            take = r.randint(1, 3)
            paras.append(" ".join(filler[:take]))
            filler = filler[take:]
        html = "".join(f"<p>{escape(p)}</p>" for p in paras)
        if kind in ("scores", "eval", "launch") and r.random() < 0.35:
            html += self.table(f)
        return title, html


def articles(n: int, seed: int = 7, start: datetime | None = None) -> Iterator[Article]:
    """N articles, deterministic for a SEED, about 3% of them syndicated copies of recent ones."""
    rnd = random.Random(seed)
    writer = Writer(rnd)
    when = start or datetime(2025, 1, 1, tzinfo=timezone.utc)
    recent: deque[Article] = deque(maxlen=200)
    for i in range(n):
        when += timedelta(minutes=rnd.randint(5, 90))
        outlet, domain = rnd.choice(OUTLETS)
        author = _person(rnd)
        if recent and rnd.random() < 0.03:
            original = rnd.choice(recent)
            if original.outlet != outlet:
                html = original.html + f"<p>{escape(f'Originally reported by {original.outlet}.')}</p>"
                yield Article(original.title, html, f"https://{domain}/syndicated/{i}", f"{domain}-{i}",
                              author, when, outlet)
                continue
        title, html = writer.article()
        slug = "-".join(title.lower().replace("'", "").split()[:6]).replace(",", "").replace("$", "")
        art = Article(title, html, f"https://{domain}/{when:%Y/%m}/{slug}-{i}", f"{domain}-{i}", author, when, outlet)
        recent.append(art)
        yield art


def rss(channel: str, items: list[Article]) -> str:
    """An RSS 2.0 document with full content (content:encoded)."""
    body = "".join(
        f"<item><title>{escape(a.title)}</title><link>{escape(a.link)}</link>"
        f"<guid isPermaLink=\"false\">{escape(a.guid)}</guid><dc:creator>{escape(a.author)}</dc:creator>"
        f"<pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>"
        f"<description>{escape(a.title)}</description>"
        f"<content:encoded><![CDATA[{a.html}]]></content:encoded></item>\n" for a in items)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>{escape(channel)}</title><link>https://example.org/</link>"
            f"<description>Synthetic benchmark feed</description><language>en</language>\n{body}</channel></rss>\n")


def atom(channel: str, items: list[Article]) -> str:
    """An Atom 1.0 document with full HTML content."""
    body = "".join(
        f"<entry><title>{escape(a.title)}</title><link href=\"{escape(a.link)}\"/><id>urn:aikb-bench:{escape(a.guid)}</id>"
        f"<author><name>{escape(a.author)}</name></author><updated>{a.published.isoformat()}</updated>"
        f"<published>{a.published.isoformat()}</published><content type=\"html\">{escape(a.html)}</content></entry>\n"
        for a in items)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(channel)}</title><id>urn:aikb-bench:{escape(channel)}</id>"
            f"<updated>{items[-1].published.isoformat() if items else '2025-01-01T00:00:00+00:00'}</updated>\n"
            f"{body}</feed>\n")


def generate(out_dir: Path | str, n: int, per_feed: int = 100, seed: int = 7) -> list[Path]:
    """Write N articles into feed files of PER_FEED items under OUT_DIR; returns the files, in order."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths, batch = [], []

    def flush() -> None:
        index = len(paths)
        channel = f"{OUTLETS[index % len(OUTLETS)][0]} {index:05d}"
        if index % 2 == 0:
            path, text = out / f"feed-{index:05d}.xml", rss(channel, batch)
        else:
            path, text = out / f"feed-{index:05d}.atom", atom(channel, batch)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        batch.clear()

    for art in articles(n, seed):
        batch.append(art)
        if len(batch) == per_feed:
            flush()
    if batch:
        flush()
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--per-feed", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.out_dir, args.articles, args.per_feed, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {args.articles:,} articles in {len(paths)} feeds ({size / 1e6:.1f} MB) to {args.out_dir}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
