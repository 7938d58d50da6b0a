"""The same story from several feeds shown once: what makes two articles copies (text.py),
grouping them when they are stored (group.py), and lists that show a story once (reads.py)."""
