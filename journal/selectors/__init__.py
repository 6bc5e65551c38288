"""Reads that feed pages, by sub-domain: each runs a fixed number of queries, however many
rows (pinned in tests)."""
