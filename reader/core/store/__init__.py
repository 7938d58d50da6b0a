"""The SQLite cache: schema, migrations, writes, page queries, the search index."""
