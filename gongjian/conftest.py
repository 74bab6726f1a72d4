"""The people of the demo, as fixtures, so that "who may do what" tests read like sentences.

A small world: two districts, the communities 北岭社区 and 湘华社区, the units 市城发集团 and
国网株洲供电公司 paired with them for 2023, and one person in each role.
"""

import datetime
import io
import os
import shutil
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongjian.accounts.models import Role, User
from gongjian.accounts.services import membership_grant, user_create
from gongjian.core import memo
from gongjian.pairings.services import campaign_create, pairing_create
from gongjian.places.models import PlaceKind
from gongjian.places.services import place_create
from gongjian.units.models import UnitKind
from gongjian.units.services import unit_create

PASSWORD = "demo-pass-2023"  # noqa: S105 (the published demo password)


@pytest.fixture(scope="session", autouse=True)
def _live_server_threads_share_the_connection_in_turn() -> Any:
    """On SQLite the live server's request threads use the test thread's in-memory connection
    (pytest-django shares it, as Django's LiveServerTestCase does). Two things follow:

    * Requests the browser makes at once (a page's photos, a download beside a poll) ran on that
      one connection at the same time, which sqlite3 answers with "bad parameter or other API
      misuse" and the page with a 500: browser tests failed now and then. Such requests now take
      turns: each holds a lock from the application's call until its body has been produced.
    * Each request thread closes "its" connections when its request ends. Closing a shared
      in-memory connection does nothing but check that it is still shared, and a thread whose
      browser connection outlived the live server failed that check ("Exception in thread …
      process_request_thread") after the browser tests. Those threads leave it alone.

    With connections of its own (PostgreSQL) the server is left as Django makes it."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer

    original_close = ThreadedWSGIServer._close_connections  # type: ignore[attr-defined]  # Django's hook for tests
    original_set_app = ThreadedWSGIServer.set_app
    turn = threading.Lock()

    def close_connections(server: ThreadedWSGIServer) -> None:
        if not server.connections_override:
            original_close(server)

    def set_app(server: ThreadedWSGIServer, app: Any) -> None:
        if not server.connections_override:
            original_set_app(server, app)
            return

        def in_turn(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            with turn:
                answer = app(environ, start_response)
                try:
                    return list(answer)  # a streamed body (a photo, a download) reads the database too
                finally:
                    if hasattr(answer, "close"):
                        answer.close()

        original_set_app(server, in_turn)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ThreadedWSGIServer, "_close_connections", close_connections)
        patch.setattr(ThreadedWSGIServer, "set_app", set_app)
        yield


@pytest.fixture(autouse=True)
def _clean_cache_and_media() -> Any:
    cache.clear()
    memo.clear_all()  # a test's rollback sends no signals: reference data kept in the process goes too
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    shifeng = place_create(kind=PlaceKind.DISTRICT, name="石峰区")
    tianxin = place_create(kind=PlaceKind.SUBDISTRICT, name="田心街道", parent=shifeng)
    beiling = place_create(kind=PlaceKind.COMMUNITY, name="北岭社区", parent=tianxin)
    xinyuan = place_create(kind=PlaceKind.ESTATE, name="新苑小区", parent=beiling)
    grid = place_create(kind=PlaceKind.GRID, name="北岭社区第一网格", parent=xinyuan)
    hetang = place_create(kind=PlaceKind.DISTRICT, name="荷塘区")
    jinshan = place_create(kind=PlaceKind.SUBDISTRICT, name="金山街道", parent=hetang)
    xianghua = place_create(kind=PlaceKind.COMMUNITY, name="湘华社区", parent=jinshan)
    chengfa = unit_create(
        name="株洲市城市发展集团有限公司", short_name="市城发集团", kind=UnitKind.STATE_OWNED, head_name="张三"
    )
    gongdian = unit_create(name="国网株洲供电公司", short_name="国网株洲供电公司", kind=UnitKind.CENTRAL_IN_CITY)
    campaign = campaign_create(
        year=2023,
        name="株事有礼·社区联点共建",
        starts_on=datetime.date(2023, 4, 26),
        ends_on=datetime.date(2023, 12, 31),
    )
    return {
        "shifeng": shifeng,
        "tianxin": tianxin,
        "beiling": beiling,
        "xinyuan": xinyuan,
        "grid": grid,
        "hetang": hetang,
        "jinshan": jinshan,
        "xianghua": xianghua,
        "chengfa": chengfa,
        "gongdian": gongdian,
        "campaign": campaign,
        "chengfa_pairing": pairing_create(campaign=campaign, unit=chengfa, community=beiling),
        "gongdian_pairing": pairing_create(campaign=campaign, unit=gongdian, community=xianghua),
    }


def _person(username: str, display_name: str, role: str | None = None, **target: Any) -> User:
    user = user_create(username=username, password=PASSWORD, display_name=display_name)
    if role:
        membership_grant(user=user, role=role, **target)
    return user


@pytest.fixture
def city_admin(world: dict[str, Any]) -> User:
    return _person("wenmingban", "市文明办", Role.CITY_ADMIN)


@pytest.fixture
def chengfa_liaison(world: dict[str, Any]) -> User:
    return _person("chengfa", "城发联络员", Role.UNIT_LIAISON, unit=world["chengfa"])


@pytest.fixture
def gongdian_liaison(world: dict[str, Any]) -> User:
    return _person("gongdian", "供电联络员", Role.UNIT_LIAISON, unit=world["gongdian"])


@pytest.fixture
def beiling_grid_worker(world: dict[str, Any]) -> User:
    return _person("beiling-grid", "丁元春", Role.GRID_WORKER, place=world["grid"])


@pytest.fixture
def beiling_staff(world: dict[str, Any]) -> User:
    return _person("beiling-staff", "北岭社区工作人员", Role.COMMUNITY_STAFF, place=world["beiling"])


@pytest.fixture
def resident(world: dict[str, Any]) -> User:
    return _person("resident", "北岭居民", Role.RESIDENT, place=world["xinyuan"])


def make_photo(
    name: str = "photo.jpg", fmt: str = "JPEG", size: tuple[int, int] = (64, 48), exif_gps: bool = False
) -> SimpleUploadedFile:
    """A real image file; with ``exif_gps`` it carries a GPS block that must not survive upload."""
    buf = io.BytesIO()
    img = Image.new("RGB", size, (200, 40, 40))
    kwargs: dict[str, Any] = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (27.0, 50.0, 0.0), 3: "E", 4: (113.0, 8.0, 0.0)}
        exif[0x010F] = "TestCam"
        kwargs["exif"] = exif
    img.save(buf, fmt, **kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, buf.getvalue(), content_type=content_type)


@pytest.fixture
def photo() -> SimpleUploadedFile:
    return make_photo()


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return path if os.path.exists(path) else None


BROWSER_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": BROWSER_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if chromium_path():
        return
    skip = pytest.mark.skip(reason="no chromium at /usr/bin/chromium (apt-get install chromium); browser tests skipped")
    for item in items:
        if "browser" in item.keywords or "page" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)
