"""The project's settings with :mod:`bench.bare.urls` as the root URLconf. Benchmarks only."""

from gongjian.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare.urls"
