"""bench.bare.settings with the intake changes of :mod:`bench.bare.whatif` patched in (experiment only)."""

from bench.bare.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare.whatif_urls"
