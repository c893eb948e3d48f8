"""Evaluation: burden accounting, scan summaries, and detector quality measurement."""
