"""A 5 MB page is cleaned in a bounded way: scripts and styles cut before parsing, block text instead
of trafilatura, metadata from the page's opening. Behaviour only (no timing asserts; see bench/)."""
from __future__ import annotations

from ingest.clean import BIG_PAGE_CHARS, clean_html
from ingest.documents import read_document


def big_page() -> str:
    head = ("<html lang='en'><head><title>Archive of lab notes | Field Notes</title>"
            "<meta property='og:site_name' content='Field Notes'>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": \"Archive of lab notes\"}"
            "</script></head><body><h1>Archive of lab notes</h1>")
    blocks = []
    for i in range(12000):
        blocks.append(f"<div class='note'><p>Note {i}: the team logged run {i * 7} of the tokenizer sweep and "
                      f"wrote down what changed between checkpoints {i} and {i + 1}.</p>"
                      f"<ul><li>owner {i % 13}</li><li>status {i % 5}</li></ul></div>")
        if i % 20 == 0:
            blocks.append("<script>var metrics = [" + ",".join(str(i * k) for k in range(560)) + "];</script>"
                          "<style>.note-%d { margin: 0 }</style><!-- %s -->" % (i, "cache " * 80))
    table = ("<h2>Scores (pass@1)</h2><table><tr><th>Benchmark</th><th>Kite 5</th><th>GPT-5.4</th></tr>"
             "<tr><td>GPQA Diamond</td><td>71.2</td><td>88.1</td></tr>"
             "<tr><td>AIME 2025</td><td>80.4</td><td>94.6</td></tr></table>")
    return head + "".join(blocks) + table + "<p>The last note closes the archive.</p></body></html>"


def test_five_megabyte_page_cleans_to_text_and_tables(tmp_path):
    html = big_page()
    assert len(html) > 5_000_000 and len(html) > 3 * BIG_PAGE_CHARS
    page = tmp_path / "big.html"
    page.write_text(html, encoding="utf-8")
    doc = read_document(page)  # what `aikb extract big.html` reads
    assert doc.title == "Archive of lab notes" and doc.outlet == "Field Notes"
    assert "Note 0: the team logged run 0" in doc.text and "The last note closes the archive." in doc.text
    assert "var metrics" not in doc.text and "margin" not in doc.text and "cache cache" not in doc.text
    assert len(doc.tables) == 1 and "Scores (pass@1)" in doc.tables[0]  # the heading travels as context
    assert clean_html("<html><body><p>" + "word " * 40 + "</p></body></html>").text  # small pages unchanged path
