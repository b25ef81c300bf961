"""The extractor: text (and HTML tables) in, an Extraction record out. Pure: no database."""
