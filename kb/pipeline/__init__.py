"""The pipeline: the one place that joins ingest, extraction (kb.nlp) and the store, and owns the transactions.

run: feeds and single pages, a run or a worker; items: one item to a stored article with its claims;
reextract: the current extractor over stored articles; lock: one writer at a time on a SQLite file.
"""
