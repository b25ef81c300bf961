"""The cleaner on pages, fragments and text copies written for these tests (no outside text)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from ingest.clean import clean_html, clean_text
from ingest.documents import decode_bytes, read_document
from kb.cli import cli
from kb.errors import InputError

PAGE = """<!doctype html>
<html lang="en-GB"><head>
<meta charset="utf-8">
<title>Orbital Labs opens the weights of Kestrel 2 | The Compute Ledger</title>
<meta property="og:site_name" content="The Compute Ledger">
<meta property="og:title" content="Orbital Labs opens the weights of Kestrel 2">
<meta name="author" content="Priya Raman">
<link rel="canonical" href="https://www.signalwire-news.example/2026/orbital-kestrel-2">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Orbital Labs opens the weights of Kestrel 2",
 "datePublished": "2026-03-04T09:30:00-05:00"}</script>
<script>window.trackingPixel = "function launch() { alert('tracked'); }";</script>
<style>.ad { color: red }</style>
</head><body>
<nav><a href="/">Home</a> <a href="/models">Models</a> <a href="/policy">Policy</a> <a href="/about">About us</a></nav>
<div class="share">Share: <a href="#">Facebook</a> <a href="#">LinkedIn</a></div>
<article>
<h1>Orbital Labs opens the weights of Kestrel 2</h1>
<p>Orbital Labs released the weights of Kestrel 2 on Wednesday under the Apache 2.0 licence, reversing a
year in which the Lisbon start-up kept its largest systems behind a paid API.</p>
<p>The company said Kestrel 2 scores 71.5 on GPQA Diamond and 64.0 percent on SWE-bench Verified, figures
it published alongside the model card and which independent evaluators have not yet reproduced.</p>
<table><tr><th>Benchmark</th><th>Kestrel 2</th><th>Kestrel 1.5</th></tr>
<tr><td>GPQA Diamond</td><td>71.5</td><td>58.2</td></tr>
<tr><td>SWE-bench Verified</td><td>64.0</td><td>49.8</td></tr></table>
<p>"We think open weights are how a small lab earns trust," chief executive Marta Quintela told reporters
during a briefing at the company's offices, adding that a larger model would follow later this year.</p>
<ul><li>Kestrel 2 Base: 32 billion parameters</li><li>Kestrel 2 Instruct: tuned for tool use</li></ul>
<p>Originally reported by Signalwire News. Read the original article for more detail.</p>
</article>
<footer><p>Copyright 2026 The Compute Ledger. All rights reserved. Privacy policy. Cookie settings.</p></footer>
</body></html>"""


def test_page_main_text_without_boilerplate():
    doc = clean_html(PAGE, url="https://computeledger.example/news/kestrel-2")
    assert doc.title == "Orbital Labs opens the weights of Kestrel 2"
    assert "Apache 2.0 licence" in doc.text
    assert "64.0 percent on SWE-bench Verified" in doc.text
    for junk in ("trackingPixel", ".ad {", "About us", "Facebook", "Originally reported", "Copyright 2026"):
        assert junk not in doc.text
    assert doc.outlet == "The Compute Ledger"
    assert doc.original_outlet == "Signalwire News"
    assert doc.author == "Priya Raman"
    assert doc.language == "en"
    assert doc.published == datetime(2026, 3, 4, 14, 30, tzinfo=timezone.utc)
    assert doc.canonical_url == "https://www.signalwire-news.example/2026/orbital-kestrel-2"
    assert len(doc.tables) == 1 and "GPQA Diamond" in doc.tables[0] and "58.2" in doc.tables[0]
    # paragraphs are separated by a blank line
    assert "\n\n" in doc.text and doc.text.count("\n\n") >= 2


def test_canonical_on_another_site_names_the_original():
    page = PAGE.replace("Originally reported by Signalwire News. Read the original article for more detail.",
                        "The start-up did not say how long the model took to train on its cluster of accelerators.")
    doc = clean_html(page, url="https://computeledger.example/news/kestrel-2")
    assert doc.original_outlet == "signalwire-news.example"
    same = clean_html(page.replace("www.signalwire-news.example", "computeledger.example"),
                      url="https://computeledger.example/news/kestrel-2")
    assert same.original_outlet is None


def test_fragment_keeps_all_text_and_drops_scripts():
    fragment = ("<p>Halcyon AI named <b>Dana Whitfield</b> its chief technology officer.</p>"
                "<script>steal()</script><ul><li>Starts in May</li><li>Reports to the CEO</li></ul>"
                "<p>Short note.</p><a href=\"javascript:alert(1)\" onclick=\"x()\">link text</a>")
    doc = clean_html(fragment)
    assert "Dana Whitfield its chief technology officer" in doc.text
    assert "Short note." in doc.text
    assert "- Starts in May\n- Reports to the CEO" in doc.text
    assert "steal" not in doc.text and "javascript" not in doc.text


REPUBLISHED = """NEURALPOST

Quanta Robotics Hands Its Language Model Over to the Open Community

Synthwire
Partager :
Quanta Robotics Hands Its Language Model Over to the Open Community

Quanta Robotics said on Monday that it would publish the full weights of Atlas-7, its seven-billion parameter assistant model, under an MIT licence, a shift for a company that had sold access only through its own cloud.

The firm's head of research, Ingrid Solberg, said the release was meant to attract university groups that cannot afford per-token pricing. Atlas-7 reaches 81.2 on MMLU-Pro according to the company's own tests.

Why it matters

Open releases from hardware makers remain rare, and analysts expect rivals to follow within months.

First published by Synthwire. See the original story for the full interview.

Ver fonte original
Partager :
Quanta Robotics Hands Its Language Model Over to the Open Community | NEURALPOST - Machine Learning Daily Digest
"""


def test_clean_text_republished_shape():
    doc = clean_text(REPUBLISHED)
    assert doc.title == "Quanta Robotics Hands Its Language Model Over to the Open Community"
    assert doc.outlet == "NEURALPOST"
    assert doc.original_outlet == "Synthwire"
    assert doc.text.startswith("Quanta Robotics said on Monday")
    assert doc.text.endswith("follow within months.")
    assert "Why it matters" in doc.text  # a section heading inside the body stays
    for wrapper in ("NEURALPOST", "Partager", "First published", "Ver fonte", "Synthwire", "|"):
        assert wrapper not in doc.text
    assert doc.title not in doc.text


def test_clean_text_footer_names_site_when_header_does_not():
    raw = ("Vireo Cloud cuts API prices for its flagship model\n\n"
           "Vireo Cloud lowered the price of its flagship model by forty percent on Thursday, citing cheaper chips "
           "and a new batching scheduler that keeps its accelerators busier.\n\n"
           "Vireo Cloud cuts API prices for its flagship model | Tensor Times\n")
    doc = clean_text(raw)
    assert doc.title == "Vireo Cloud cuts API prices for its flagship model"
    assert doc.outlet == "Tensor Times"
    assert doc.original_outlet is None
    assert "Tensor Times" not in doc.text


def test_clean_text_plain_convention():
    doc = clean_text("Short title here\n\nFirst paragraph of the body, which is rather short.\n\nSecond one.\n")
    assert doc.title == "Short title here"
    assert doc.text == "First paragraph of the body, which is rather short.\n\nSecond one."


def test_decoding_bom_declared_and_fallback():
    assert decode_bytes("caf\u00e9".encode("utf-8-sig")) == "caf\u00e9"
    assert decode_bytes('<meta charset="iso-8859-1"><p>caf\xe9</p>'.encode("latin-1")).endswith("caf\u00e9</p>")
    # mislabelled: declares utf-8 but is cp1252 -> still decodes, with the right letters
    assert "\u201cquoted\u201d" in decode_bytes('<meta charset="utf-8">\x93quoted\x94'.encode("latin-1"))


def test_read_document_errors(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "bin.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    for name in ("empty.txt", "bin.html", "missing.txt"):
        with pytest.raises(InputError):
            read_document(tmp_path / name)
    (tmp_path / "x.pdf").write_text("text")
    with pytest.raises(InputError, match="unknown document type"):
        read_document(tmp_path / "x.pdf")


def test_read_markdown_with_pipe_table(tmp_path):
    md = ("# Lumen 3 tops the coding leaderboard\n\nLumen 3 from Brightline scores **78.1** on "
          "[HumanEval+](https://example.org).\n\n| Model | HumanEval+ |\n|---|---|\n| Lumen 3 | 78.1 |\n"
          "| Lumen 2 | 70.4 |\n\n- licence: proprietary\n- access: API only\n")
    (tmp_path / "a.md").write_text(md)
    doc = read_document(tmp_path / "a.md")
    assert doc.title == "Lumen 3 tops the coding leaderboard"
    assert "scores 78.1 on HumanEval+." in doc.text
    assert doc.tables and "<td>Lumen 2</td><td>70.4</td>" in doc.tables[0]
    assert "- licence: proprietary\n- access: API only" in doc.text


def test_cli_clean_json(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(REPUBLISHED, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    runner = CliRunner()
    args = ["clean", str(tmp_path / "page.html"), str(tmp_path / "copy.txt"), str(tmp_path / "bad.txt")]
    result = runner.invoke(cli, args + ["--format", "json"])
    assert result.exit_code == 0, result.output
    docs = json.loads(result.output)["documents"]
    assert [d["file"] for d in docs] == args[1:]
    assert set(docs[0]) == {"file", "title", "text", "published", "outlet", "original_outlet", "canonical_url"}
    assert docs[0]["published"] == "2026-03-04T14:30:00+00:00"
    assert docs[1]["outlet"] == "NEURALPOST" and docs[1]["published"] is None
    assert "error" in docs[2]
    only_bad = runner.invoke(cli, ["clean", str(tmp_path / "bad.txt")])
    assert only_bad.exit_code != 0


def test_read_markdown_with_raw_html_table_and_html_in_pipe_cells(tmp_path):
    md = ("# Wren 3 model card\n\nWren 3 is a small open model from Brightline.\n\n## Evaluation\n\n"
          "<div align=\"center\">\n<table>\n<tr><th>Benchmark</th><th><sup>Wren 3</sup></th></tr>\n"
          "<tr><td>GPQA Diamond</td><td><strong>61.2</strong></td></tr>\n<tr><td>MMLU</td><td>80.4</td></tr>\n"
          "</table>\n</div>\n\nBase models\n\n"
          "| <nobr>Model</nobr> | <nobr>MMMU <br>(val)</nobr> | macro\\_avg |\n|---|---|---|\n"
          "| [Wren 3](https://example.org/wren) | **55.0** | 1 < 2 & 3 |\n\nThe end of the card is here.\n")
    (tmp_path / "card.md").write_text(md)
    doc = read_document(tmp_path / "card.md")
    assert len(doc.tables) == 2
    html_table, pipe_table = doc.tables
    assert "<sup>Wren 3</sup>" in html_table and 'data-aikb-context="Evaluation"' in html_table
    assert "GPQA Diamond" not in doc.text  # the table is read by the table reader, not as prose
    assert "<th><nobr>MMMU <br>(val)</nobr></th>" in pipe_table  # inline HTML kept as markup
    assert "<th>macro_avg</th>" in pipe_table and "<td>1 &lt; 2 &amp; 3</td>" in pipe_table  # the rest is text
    assert 'data-aikb-context="Evaluation: Base models"' in pipe_table  # heading + the short line under it
    # Negative: an inline tag in a paragraph is no table.
    (tmp_path / "p.md").write_text("# Title here\n\nA line with <b>bold</b> text and more words.\n")
    assert read_document(tmp_path / "p.md").tables == ()


def test_markdown_shortcode_chart_data_is_not_text(tmp_path):
    md = ("# Wren 3 results\n\nWren 3 leads the math group with 71.2 % on AIME 2025.\n\n"
          "{{< barchart id=\"math\" ylabel=\"Score\" >}}\n[\n  { \"category\": \"AIME25\", \"model\": \"Kestrel 2\", "
          "\"value\": 0.6410 }\n]\n{{< /barchart >}}\n\n{{< spacer >}}\n\nThe smaller model also did well on code.\n")
    (tmp_path / "r.md").write_text(md)
    doc = read_document(tmp_path / "r.md")
    assert "0.6410" not in doc.text and "barchart" not in doc.text and "spacer" not in doc.text
    assert "71.2 % on AIME 2025" in doc.text and "The smaller model also did well on code." in doc.text


def test_markdown_prose_drops_inline_html(tmp_path):
    md = ("# Wren 3 card\n\n<div align=\"center\">\n<a href=\"LICENSE\"><img alt=\"badge\" src=\"b.svg\"/></a>\n</div>\n\n"
          "In short, <span class=\"bold\">Wren 3</span> is released under the <span class=\"bold\">Brightline "
          "license</span>.<br>It runs on phones.\n\n- <b>Wren 3 Mini</b>: a smaller model\n")
    (tmp_path / "w.md").write_text(md)
    doc = read_document(tmp_path / "w.md")
    assert "In short, Wren 3 is released under the Brightline license. It runs on phones." in doc.text
    assert "- Wren 3 Mini: a smaller model" in doc.text
    assert "<" not in doc.text and "href" not in doc.text
    # negative: a comparison written with "<" in prose is text, not a tag
    (tmp_path / "c.md").write_text("# Notes\n\nLatency stays < 20 ms when batch <= 4.\n")
    assert "Latency stays < 20 ms when batch <= 4." in read_document(tmp_path / "c.md").text


def test_markdown_quoted_list_keeps_its_items_apart(tmp_path):
    # A block quote holding a lead-in and a list: the lead-in and each item stay their own line, as they
    # would outside the quote; an unquoted paragraph still wraps into one line.
    md = ("# Weekly notes\n\n> The quarter's ranking, by Quarry points:\n>\n> -   **Rank 1**: Vela-7 leads\n>\n"
          "> -   **Rank 2**: Orrery-3 follows\n\nA plain paragraph that\nwraps across lines.\n")
    (tmp_path / "q.md").write_text(md)
    lines = read_document(tmp_path / "q.md").text.split("\n")
    assert "The quarter's ranking, by Quarry points:" in lines
    assert "- Rank 1: Vela-7 leads" in lines and "- Rank 2: Orrery-3 follows" in lines
    assert "A plain paragraph that wraps across lines." in lines
    assert not any(line.startswith(">") for line in lines)
