"""Normalise stage: text cleanup with an offset map (text.py) and working time and deadlines (calendar.py)."""
