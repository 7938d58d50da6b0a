"""Tests of the Textual app itself, driven by App.run_test() and Pilot."""
