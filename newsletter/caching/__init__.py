"""Caching of the public site: the site generation every cache key carries,
stored page fragments, the page cache middleware with its HTTP headers, and
the purge of reverse proxies and CDNs when public pages change.
"""
