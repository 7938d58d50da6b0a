"""Feed bytes to articles: decoding, RSS/Atom/JSON Feed, the fast path, dates, OPML."""
