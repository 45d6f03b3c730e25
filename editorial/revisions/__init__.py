"""Revisions of items: snapshots, diffs between any two of them and revert
(`history`, on django-reversion), and edit conflicts caught by the item's
version counter (`conflicts`).
"""
