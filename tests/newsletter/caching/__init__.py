"""Tests of the public site caching (newsletter.caching)."""
