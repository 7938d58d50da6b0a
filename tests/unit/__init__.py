"""Tests of one part at a time: pure functions, real SQLite files, real OpenCC; no server, no app."""
