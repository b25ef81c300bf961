"""Duplicate keys: normalised URL hashes, content hashes, and SimHash for near-duplicates.

Exact duplicates (same URL, GUID or text) are not stored twice. Near-duplicates (a syndicated or
lightly edited copy) are stored, but join the story of the article they copy; SimHash over word
shingles finds them. Candidates are looked up by bands: with 8 bands of 8 bits, two fingerprints
within Hamming distance 7 share at least one band exactly (pigeonhole), so one dict lookup per
band finds every candidate without scanning the whole store. Copies at distance 8-10 (a light edit
of a short text) usually still share a band and are accepted too; unrelated news articles measured
on the sample corpus sit at 22 bits or more.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

NEAR_DUPLICATE_DISTANCE = 10  # of 64 bits; unrelated news texts sit at 22-32
_BANDS = 8
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ref_src|cmpid|ocid|igshid|_ga)$", re.I)
_MASK = (1 << 64) - 1


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def normalize_url(url: str) -> str:
    """URL with the scheme and host lower-cased, no fragment, no tracking parameters, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    path = parts.path.rstrip("/") or "/"
    netloc = parts.netloc.lower()
    for default in (":80", ":443"):
        if netloc.endswith(default):
            netloc = netloc[: -len(default)]
    return urlunsplit((parts.scheme.lower(), netloc.removeprefix("www."), path, query, ""))


def url_hash(url: str) -> str:
    """The unique key of an article's URL (or of "guid:<x>" / "content:<hash>" when it has none)."""
    if url.startswith(("guid:", "content:")):
        return sha256(url)
    return sha256(normalize_url(url))


def content_hash(text: str) -> str:
    """The key of a text, insensitive to case, punctuation and spacing."""
    return sha256(" ".join(re.findall(r"\w+", text.casefold())))


def simhash(text: str, shingle: int = 3) -> int:
    """A 64-bit SimHash over word SHINGLEs, as a signed integer (it fits a BIGINT column)."""
    tokens = re.findall(r"\w+", text.casefold())
    if not tokens:
        return 0
    grams = [" ".join(tokens[i:i + shingle]) for i in range(max(1, len(tokens) - shingle + 1))]
    digests = b"".join(hashlib.blake2b(g.encode(), digest_size=8).digest() for g in grams)
    # one row of 64 bits per shingle (most significant first); each column votes on one output bit
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - len(grams)
    result = 0
    for column in np.flatnonzero(votes > 0):
        result |= 1 << (63 - int(column))
    return result - (1 << 64) if result >= 1 << 63 else result


def hamming(a: int, b: int) -> int:
    """Bits that differ between two fingerprints (signed or not)."""
    return ((a & _MASK) ^ (b & _MASK)).bit_count()


class StoryIndex:
    """Fingerprints of stored articles -> their story, for near-duplicate lookups within a run."""

    def __init__(self) -> None:
        self._bands: list[dict[int, list[tuple[int, int]]]] = [defaultdict(list) for _ in range(_BANDS)]

    @staticmethod
    def _keys(fingerprint: int):
        value = fingerprint & _MASK
        for band in range(_BANDS):
            yield band, (value >> (band * 8)) & 0xFF

    def add(self, fingerprint: int, story_id: int) -> None:
        for band, key in self._keys(fingerprint):
            self._bands[band][key].append((fingerprint, story_id))

    def find(self, fingerprint: int, max_distance: int = NEAR_DUPLICATE_DISTANCE) -> int | None:
        """The story of the closest stored fingerprint within MAX_DISTANCE bits, else None."""
        best: tuple[int, int] | None = None
        for band, key in self._keys(fingerprint):
            for other, story_id in self._bands[band].get(key, ()):
                distance = hamming(fingerprint, other)
                if distance <= max_distance and (best is None or distance < best[0]):
                    best = (distance, story_id)
        return best[1] if best else None
