"""The WSGI entry point (what gunicorn loads) leaves the loaded app out of the collector's passes."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import gc, sys
import gongjian.wsgi
print(gc.get_freeze_count(), "gongjian.cases.views" in sys.modules, "gongjian.rolemodels.views" in sys.modules)
"""


def test_the_app_is_loaded_and_frozen_before_the_first_request() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongjian.test_settings"}
    out = subprocess.run(  # noqa: S603 (this interpreter, a constant script)
        [sys.executable, "-c", PROBE], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    frozen, cases_views, rolemodels_views = int(out[0]), out[1], out[2]
    assert frozen > 50_000  # Django, the apps and their libraries: out of every full collection
    assert cases_views == rolemodels_views == "True"  # the views were imported with the URLs, not by a request
