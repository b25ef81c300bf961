"""Dependency-free text helpers shared by the extractor, the store and the build scripts.

`keys.name_key` is the one "is this the same name?" rule; `lexicon` reads the shared word lists of
data/patterns/lexicon.jsonl. Nothing here imports the rest of kb, spaCy or a database.
"""
