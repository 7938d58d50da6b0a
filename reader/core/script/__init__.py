"""Script modes: OpenCC conversion of text and HTML, the view, search folding."""
