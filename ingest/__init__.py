"""Ingestion: fetch feeds and pages, parse them, clean the main text. No database, no spaCy."""
import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
