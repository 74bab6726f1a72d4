import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
application = get_wsgi_application()

# Load every app's URLs and views now rather than in the first request, then leave everything
# loaded so far (about 160,000 objects: Django, the apps, their libraries) out of the garbage
# collector's full passes. Each full pass over them stopped a worker for about 110 ms, twice or
# more a minute under load, and every request queued behind it waited that long: that was the
# slowest percent of case intake. After the freeze a full pass takes about 4 ms.
get_resolver().url_patterns  # noqa: B018
gc.collect()
gc.freeze()
