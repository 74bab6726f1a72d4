"""Rate-limit counts live in the shared cache, so every worker process sees the same ones."""

import os

import pytest
from django.core.cache import caches

from gongjian.core.ratelimit import hit, window_key

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: the Redis cache is not under test on this run"
)


def test_it_counts_hits_in_redis_where_every_process_sees_them(settings):
    assert caches["default"].__class__.__name__ == "RedisCache"
    for _ in range(3):
        assert hit(key="shared-test", limit=3, window=60)[0]
    # A second connection, as another gunicorn worker would have, sees the count and refuses.
    other = caches.create_connection("default")
    assert other.get(window_key(key="shared-test", window=60)) == 3
    assert not hit(key="shared-test", limit=3, window=60)[0]
