"""`make run` collects static files with the production storage before it serves: every vendored
file must survive the manifest's check of the files it references (a source map, a font)."""

from pathlib import Path
from typing import Any

from django.core.management import call_command


def test_it_collects_every_static_file_with_the_manifest_storage(settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ("cases/vendor/leaflet/leaflet.js", "gongjian/site.css", "gongjian/site.js"):
        assert f'"{name}"' in manifest
