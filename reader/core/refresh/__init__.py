"""The refresh pipeline: download, hash, parse, prepare, store; full text."""
