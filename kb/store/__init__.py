"""The one writer: articles, sources, claims, entities and aliases (merge, split), reference data.

Functions take a session and flush; the caller (kb.pipeline, a CLI command, a UI action) owns the
transaction. Nothing here imports ingest's fetchers or the extractor (tests/test_architecture.py).
"""
