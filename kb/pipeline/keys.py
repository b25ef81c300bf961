"""The duplicate keys of a draft (ingest.dedup's hashes and fingerprint), computed once for the store.

kb.store.articles looks duplicates up by these keys; working them out is ingest's (URL normalisation,
hashing, the text's fingerprint), so it happens here, in the pipeline, and the store takes ArticleKeys.
"""
from __future__ import annotations

from typing import Optional

from ingest.dedup import content_hash, normalize_url, sha256, simhash, url_hash
from ingest.records import ArticleDraft
from kb.store.articles import ArticleKeys

# A text shorter than this many words (a teaser, "Comments on ...") is never used to find duplicates
# or near-duplicates: several different articles share such a teaser (issue 13).
TEASER_WORDS = 40


def identity_hash(url: Optional[str], guid: Optional[str], text: str) -> str:
    """The url_hash of an article: its URL, else its GUID, else its text."""
    if url:
        return url_hash(url)
    if guid:
        return url_hash(f"guid:{guid}")
    return url_hash(f"content:{content_hash(text)}")


def via_identity(via: str, url: Optional[str], guid: Optional[str], text: str) -> str:
    """The url_hash of another site's feed copy of URL: its own identity, never the URL's (issue 17)."""
    inner = normalize_url(url) if url else (f"guid:{guid}" if guid else f"content:{content_hash(text)}")
    return url_hash(f"guid:via|{via}|{inner}")


def is_teaser(text: str) -> bool:
    """A text too short to tell articles apart (a feed's teaser)."""
    return len(text.split()) < TEASER_WORDS


def draft_keys(draft: ArticleDraft) -> ArticleKeys:
    """Every duplicate key of DRAFT."""
    short = is_teaser(draft.doc.text)
    canonical = draft.doc.canonical_url if draft.via is None else None  # a copy's claims about itself
    return ArticleKeys(
        url_hash=(via_identity(draft.via, draft.url, draft.guid, draft.doc.text) if draft.via is not None
                  else identity_hash(draft.url, draft.guid, draft.doc.text)),
        guid_hash=sha256(draft.guid) if draft.guid else None,
        content_hash=content_hash(draft.doc.text),
        simhash=None if short else simhash(draft.doc.text),
        canonical_hash=url_hash(canonical) if canonical else None,
        short=short,
    )




def url_key(url: Optional[str]) -> Optional[str]:
    """The url_hash an article stored under URL has (None without a URL)."""
    return url_hash(url) if url else None


def item_keys(items) -> list[tuple[Optional[str], Optional[str]]]:
    """(url_hash, guid hash) of each feed item, for kb.store.articles.known_items."""
    return [(url_key(i.link), sha256(i.guid) if i.guid else None) for i in items]
