"""The story of a web page: its blocks, meta line and boilerplate."""
