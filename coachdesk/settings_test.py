"""Test settings: the environment's database (PostgreSQL under CI), fast hashing, locmem email."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Most tests log in many times; the throttling test turns it back on (tests/accounts).
AXES_ENABLED = False
# Tests read fresh figures; the dashboard's cache is tested on its own with a local cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# Pages render on every request; tests/clients/test_pagecache.py turns the page cache on.
PAGE_CACHE_SECONDS = 0
