"""The query language of search, query sections and filter rules: parse, then compile to SQL."""
