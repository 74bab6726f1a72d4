"""Settings for the test suite: the real settings with fast hashing and plain static storage."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's sync API

from gongjian.settings import *

# On SQLite the tests' database lives in memory, and the live server's request threads share the
# test's one connection; kept open across requests, concurrent page loads in the browser tests
# broke on it ("bad parameter or other API misuse"). Closing has no effect on a database in
# memory, so this only restores Django's usual sharing there.
if DATABASES["default"]["ENGINE"] == "gongjian.core.sqlite":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="gongjian-test-media-"))
# Tests use the per-process cache unless they set REDIS_URL; the database cache would need
# createcachetable in every test database.
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DEMO_MODE = True
# Jobs run inside the request that starts them, so tests see their outcome at once.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
