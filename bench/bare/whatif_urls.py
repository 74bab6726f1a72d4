import bench.bare.whatif  # noqa: F401 (patches the intake path when the first request loads the URLs)
from bench.bare.urls import urlpatterns

__all__ = ["urlpatterns"]
