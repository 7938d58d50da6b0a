"""Developer scripts: generators of data tables, screenshots."""
