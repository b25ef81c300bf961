"""Every query: search, leaderboards and disagreements, entity pages, export, stats. Read-only.

Nothing here writes or imports kb.store (tests/test_architecture.py checks it).
"""
