"""aikb's knowledge base: the store, the NLP extractor, the queries and the alerts."""
import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
