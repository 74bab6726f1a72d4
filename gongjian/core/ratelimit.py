"""Fixed-window rate limits kept in the shared cache (Redis or the database), so every worker
process counts the same hits. Used on public endpoints (login, token, public pages)."""

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from gongjian.core.audit import client_ip


def window_key(*, key: str, window: int, now: int | None = None) -> str:
    """The cache key counting ``key``'s hits in the current window."""
    now = int(time.time()) if now is None else now
    return f"rl:{key}:{now - now % window}"


def hit(*, key: str, limit: int, window: int) -> tuple[bool, int]:
    """Count one hit for ``key``; returns (allowed, seconds until the window resets). Always
    allowed when RATELIMIT_ENABLED is off."""
    if not settings.RATELIMIT_ENABLED:
        return True, 0
    now = int(time.time())
    start = now - now % window
    cache_key = window_key(key=key, window=window, now=now)
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    return count <= limit, start + window - now


def ratelimit(*, scope: str, limit: int, window: int = 60, methods: tuple[str, ...] = ("POST",)) -> Callable[..., Any]:
    """Allow ``limit`` requests per ``window`` seconds per client address for ``methods``; more get 429."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                allowed, retry = hit(key=f"{scope}:{client_ip(request)}", limit=limit, window=window)
                if not allowed:
                    body = render_to_string("core/429.html", {"retry": retry}, request=request)
                    response = HttpResponse(body, status=429)
                    response["Retry-After"] = str(retry)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
