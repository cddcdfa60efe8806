"""Fakes for unit tests of one layer (a fake agent session for the UI)."""
