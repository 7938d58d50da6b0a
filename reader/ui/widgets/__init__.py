"""Widgets, one a file, named after the region of the screen they fill."""
