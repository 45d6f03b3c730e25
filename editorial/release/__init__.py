"""The issue as a release: the publish checklist (`checklist`), assembling
items into sections (`assembly`), scheduling, publishing and withdrawing
(`publishing`), signed preview links (`preview`) and the release desk's
views (`views`).
"""
