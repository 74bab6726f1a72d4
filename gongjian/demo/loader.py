"""Loads the Zhuzhou demo (:mod:`gongjian.demo.data`) through the services, so that it is checked
and audited like any other write. The result is the same on every run: random choices come from
``random.Random(2023)``."""

import datetime
import importlib
import io
import random
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from gongjian.accounts.models import Role, User
from gongjian.accounts.services import membership_grant, user_create
from gongjian.core import audit
from gongjian.demo import data
from gongjian.pairings.models import Campaign, Pairing
from gongjian.pairings.services import campaign_create, pairing_create, visit_create
from gongjian.places.models import Place, PlaceKind
from gongjian.places.services import place_create
from gongjian.units.models import Unit
from gongjian.units.services import unit_create

REQUEST_ID = "load_demo"
Coordinate = Decimal | None


class DemoNotEmptyError(Exception):
    """The database already holds places, units or campaigns: the demo loads only into an empty one."""


@dataclass
class DemoSummary:
    """What :func:`load_demo` created."""

    places: dict[str, int] = field(default_factory=dict)  # by PlaceKind value
    units: int = 0
    campaigns: int = 0
    pairings: dict[int, int] = field(default_factory=dict)  # by campaign year
    visits: dict[int, int] = field(default_factory=dict)
    visited_units: dict[int, int] = field(default_factory=dict)
    accounts: list[str] = field(default_factory=list)
    accounts_existing: list[str] = field(default_factory=list)
    # One line per app demo step ("cases: 240 cases, 31 categories"), printed by load_demo.
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class DemoContext:
    """What the base demo created, handed to each app's ``demo.load(ctx)`` in :data:`APP_STEPS` order."""

    rng: random.Random
    places: dict[str, Place]  # every place above the buildings, by name
    units: dict[str, Unit]  # by short name
    campaigns: dict[int, Campaign]  # by year
    pairings: dict[int, dict[str, Pairing]]  # by year, then unit short name
    # The demo accounts by username (empty when accounts are not created: DEMO_MODE off).
    users: dict[str, User]
    create_accounts: bool
    summary: DemoSummary


# Each app's demo step, in dependency order: cases before the co-building work that settles them,
# volunteers before the scorecard that counts their service.
APP_STEPS = [
    "gongjian.cases.demo",
    "gongjian.open311.demo",
    "gongjian.volunteers.demo",
    "gongjian.rolemodels.demo",
    "gongjian.cobuilding.demo",
]


def database_is_empty() -> bool:
    """True when there is no place, unit or campaign yet (users and audit entries do not count)."""
    return not (Place.objects.exists() or Unit.objects.exists() or Campaign.objects.exists())


def load_demo(*, create_accounts: bool) -> DemoSummary:
    """Load the whole demo in one transaction, or nothing.

    Raises :class:`DemoNotEmptyError` if the database already holds places, units or campaigns.
    Demo accounts (password ``data.DEMO_PASSWORD``) are created only with ``create_accounts``;
    an account whose username is taken is left alone and reported in ``accounts_existing``."""
    summary = DemoSummary()
    with audit.context(actor=None, request_id=REQUEST_ID), transaction.atomic():
        if not database_is_empty():
            raise DemoNotEmptyError("the database already holds places, units or campaigns")
        rng = random.Random(2023)
        places = _load_places(summary)
        units = _load_units(summary)
        campaigns = _load_campaigns(summary)
        pairings = _load_pairings(summary, rng, units=units, places=places, campaigns=campaigns)
        _load_visits(summary, rng, pairings=pairings, campaigns=campaigns)
        if create_accounts:
            _load_accounts(summary, units=units, places=places)
        ctx = DemoContext(
            rng=rng,
            places=places,
            units=units,
            campaigns=campaigns,
            pairings=pairings,
            users={u.username: u for u in User.objects.filter(username__in=[a[0] for a in data.DEMO_ACCOUNTS])}
            if create_accounts
            else {},
            create_accounts=create_accounts,
            summary=summary,
        )
        for step in APP_STEPS:
            importlib.import_module(step).load(ctx)
        audit.record_event(
            "demo.loaded",
            details={"units": summary.units, "pairings": summary.pairings, "visits": summary.visits},
        )
    return summary


# --- Places -------------------------------------------------------------------------------------


def _jitter(name: str, coordinate: str, spread: Decimal = Decimal("0.006")) -> Decimal:
    """A coordinate near ``coordinate``, the same for the same name on every run."""
    fraction = Decimal(zlib.crc32(f"{name}{coordinate}".encode()) % 2001 - 1000) / 1000
    return (Decimal(coordinate) + spread * fraction).quantize(Decimal("0.000001"))


def _load_places(summary: DemoSummary) -> dict[str, Place]:
    """Create the place tree; returns every place above the buildings, by name."""
    named: dict[str, Place] = {}

    def add(kind: str, name: str, parent: Place | None, lat: Coordinate = None, lon: Coordinate = None) -> Place:
        place = place_create(kind=kind, name=name, parent=parent, latitude=lat, longitude=lon)
        summary.places[kind] = summary.places.get(kind, 0) + 1
        if kind != PlaceKind.BUILDING:
            if name in named:
                raise ValueError(f"demo place name {name} is not unique")
            named[name] = place
        return place

    for district_name, lat, lon, subdistricts in data.DISTRICTS:
        district = add(PlaceKind.DISTRICT, district_name, None, Decimal(lat), Decimal(lon))
        for sub_name, sub_lat, sub_lon, communities in subdistricts:
            subdistrict = add(PlaceKind.SUBDISTRICT, sub_name, district, Decimal(sub_lat), Decimal(sub_lon))
            for community_name in communities:
                community = add(
                    PlaceKind.COMMUNITY,
                    community_name,
                    subdistrict,
                    _jitter(community_name, sub_lat),
                    _jitter(community_name, sub_lon),
                )
                for estate_name, grids in data.ESTATES.get(community_name, []):
                    estate = add(
                        PlaceKind.ESTATE,
                        estate_name,
                        community,
                        _jitter(estate_name, str(community.latitude), Decimal("0.001")),
                        _jitter(estate_name, str(community.longitude), Decimal("0.001")),
                    )
                    for grid_name, buildings in grids:
                        grid = add(PlaceKind.GRID, grid_name, estate)
                        for building_name in buildings:
                            add(PlaceKind.BUILDING, building_name, grid)
    return named


# --- Units, campaigns, pairings -----------------------------------------------------------------


def _load_units(summary: DemoSummary) -> dict[str, Unit]:
    """Create the 111 units; returns them by short name."""
    units: dict[str, Unit] = {}
    for name, short_name, kind, head_name, head_title in [*data.UNITS_SINCE_2022, *data.UNITS_FROM_2023]:
        if short_name in units:
            raise ValueError(f"demo unit short name {short_name} is not unique")
        units[short_name] = unit_create(
            name=name, short_name=short_name, kind=kind, head_name=head_name, head_title=head_title
        )
    summary.units = len(units)
    return units


def _load_campaigns(summary: DemoSummary) -> dict[int, Campaign]:
    campaigns = {
        year: campaign_create(year=year, name=name, starts_on=starts_on, ends_on=ends_on, description=description)
        for year, name, starts_on, ends_on, description in data.CAMPAIGNS
    }
    summary.campaigns = len(campaigns)
    return campaigns


def _load_pairings(
    summary: DemoSummary,
    rng: random.Random,
    *,
    units: dict[str, Unit],
    places: dict[str, Place],
    campaigns: dict[int, Campaign],
) -> dict[int, dict[str, Pairing]]:
    """Pair every unit with a community, the seed's as the seed says, the others spread so that
    each community takes one unit before any takes a second. A unit keeps its community in both
    years. Returns the pairings by year, then by the unit's short name."""
    community_of = dict(data.SEED_PAIRINGS)
    free = [p for p in places.values() if p.kind == PlaceKind.COMMUNITY and p.name not in community_of.values()]
    rng.shuffle(free)
    others = [short for short in units if short not in community_of]
    for i, short in enumerate(others):
        community_of[short] = free[i % len(free)].name

    since_2022 = [row[1] for row in data.UNITS_SINCE_2022]
    members = {2022: since_2022, 2023: list(units)}
    pairings: dict[int, dict[str, Pairing]] = {}
    for year, shorts in members.items():
        pairings[year] = {
            short: pairing_create(campaign=campaigns[year], unit=units[short], community=places[community_of[short]])
            for short in shorts
        }
        summary.pairings[year] = len(pairings[year])
    return pairings


# --- Visits -------------------------------------------------------------------------------------


def _workdays(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Working days from ``start`` to ``end`` inclusive: weekdays that are not public holidays, and
    the weekend days worked instead."""
    days = []
    day = start
    while day <= end:
        if (day.weekday() < 5 and day not in data.HOLIDAYS) or day in data.MAKEUP_WORKDAYS:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _demo_photo() -> SimpleUploadedFile:
    """A drawn picture of the sewer works (the demo has no real photos)."""
    img = Image.new("RGB", (800, 600), (196, 190, 178))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 380, 800, 600), fill=(120, 112, 100))  # the trench
    draw.rectangle((0, 440, 800, 500), fill=(70, 90, 110))  # the new pipe
    for x in range(60, 800, 160):
        draw.ellipse((x, 300, x + 80, 340), fill=(60, 60, 60))  # manhole covers
    draw.rectangle((560, 120, 760, 300), fill=(230, 230, 225), outline=(90, 90, 90), width=4)  # a shop front
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile("beiling-sewer-2022.jpg", buf.getvalue(), content_type="image/jpeg")


def _generated_visit_fields(rng: random.Random, *, unit: Unit, first: bool) -> dict[str, Any]:
    """Plausible content for a visit the seed does not describe."""
    who, low, high = rng.choice(data.PARTICIPANTS)
    led = rng.random() < (0.6 if first else 0.2)
    findings = "；".join(rng.sample(data.FINDINGS, rng.randint(1, 3) if first else rng.randint(0, 2)))
    actions = "；".join(rng.sample(data.ACTIONS, rng.randint(1, 2)))
    if first:
        findings = "到联点社区报到，走访摸底。" + (f"了解到：{findings}。" if findings else "")
    elif findings:
        findings += "。"
    return {
        "led_by_head": led,
        "leader_name": unit.head_name if led else "",
        "participants": f"{unit.display_name}{who}",
        "participant_count": rng.randint(low, high),
        "findings": findings,
        "actions": actions + "。",
    }


def _load_visits(
    summary: DemoSummary,
    rng: random.Random,
    *,
    pairings: dict[int, dict[str, Pairing]],
    campaigns: dict[int, Campaign],
) -> None:
    """The seed's visits, then generated ones: in 2023 exactly ``VISITED_UNITS_BY_2023_05_09`` units
    have visited by 9 May and ``VISITED_UNITS_BY_2023_12_31`` by the year's end; in 2022,
    ``VISITED_UNITS_IN_2022`` units."""
    # (year, unit short name) -> days of visits to generate
    planned: dict[tuple[int, str], list[datetime.date]] = {}
    seed_days: dict[tuple[int, str], list[datetime.date]] = {}
    for seed in data.SEED_VISITS:
        seed_days.setdefault((seed.visited_on.year, seed.unit), []).append(seed.visited_on)
    seed_first = {key: min(days) for key, days in seed_days.items()}

    # 2023: who has visited by 9 May, who joins later, who never does.
    c2023 = campaigns[2023]
    may9 = datetime.date(2023, 5, 9)
    early_days = _workdays(c2023.starts_on + datetime.timedelta(days=1), may9)
    later_days = _workdays(may9 + datetime.timedelta(days=1), datetime.date(2023, 11, 30))
    seeded_2023 = [unit for year, unit in seed_first if year == 2023]
    early = [*seeded_2023, *data.REPEAT_VISITORS_2023, *data.EARLY_VISITORS_2023]
    rest = [short for short in pairings[2023] if short not in early]
    rng.shuffle(rest)
    n_early = data.VISITED_UNITS_BY_2023_05_09 - len(early)
    n_late = data.VISITED_UNITS_BY_2023_12_31 - data.VISITED_UNITS_BY_2023_05_09
    early += rest[:n_early]
    late = rest[n_early : n_early + n_late]
    for short in data.REPEAT_VISITORS_2023:
        planned[(2023, short)] = sorted(rng.sample(early_days, 3))
    for short in early:
        if short not in seeded_2023 and short not in data.REPEAT_VISITORS_2023:
            planned[(2023, short)] = [rng.choice(early_days)]
    for short in late:
        # Most latecomers come in May and June: skew the index toward the start.
        planned[(2023, short)] = [later_days[int(len(later_days) * rng.random() ** 2)]]

    # 2022: most units visited, first in spring.
    c2022 = campaigns[2022]
    seeded_2022 = [unit for year, unit in seed_first if year == 2022]
    rest_2022 = [short for short in pairings[2022] if short not in seeded_2022]
    rng.shuffle(rest_2022)
    spring_2022 = _workdays(c2022.starts_on, datetime.date(2022, 6, 30))
    for short in rest_2022[: data.VISITED_UNITS_IN_2022 - len(seeded_2022)]:
        planned[(2022, short)] = [rng.choice(spring_2022)]

    # Follow-up visits, for every unit that has visited, after its first visit.
    workdays = {year: _workdays(campaign.starts_on, campaign.ends_on) for year, campaign in campaigns.items()}
    for year in campaigns:
        visitors = {unit for y, unit in [*planned, *seed_first] if y == year}
        for short in sorted(visitors, key=list(pairings[year]).index):
            taken = {*planned.get((year, short), []), *seed_days.get((year, short), [])}
            after = [
                day for day in workdays[year] if day >= min(taken) + datetime.timedelta(days=7) and day not in taken
            ]
            extra = rng.choices([0, 1, 2, 3, 4], weights=[2, 3, 3, 2, 1])[0]
            if after and extra:
                planned.setdefault((year, short), []).extend(rng.sample(after, min(extra, len(after))))

    visits: dict[int, int] = {}
    for seed in data.SEED_VISITS:
        pairing = pairings[seed.visited_on.year][seed.unit]
        visit_create(
            pairing=pairing,
            actor=None,
            photos=[_demo_photo()] if seed.photo else [],
            visited_on=seed.visited_on,
            led_by_head=seed.led_by_head,
            leader_name=seed.leader_name,
            participants=seed.participants,
            participant_count=seed.participant_count,
            findings=seed.findings,
            actions=seed.actions,
        )
        visits[seed.visited_on.year] = visits.get(seed.visited_on.year, 0) + 1
    for (year, short), days in sorted(planned.items(), key=lambda item: (item[0][0], min(item[1]))):
        pairing = pairings[year][short]
        has_seed = (year, short) in seed_first
        for day in sorted(days):
            is_first = not has_seed and day == min(days)
            visit_create(
                pairing=pairing,
                actor=None,
                visited_on=day,
                **_generated_visit_fields(rng, unit=pairing.unit, first=is_first),
            )
            visits[year] = visits.get(year, 0) + 1
    summary.visits = dict(sorted(visits.items()))
    summary.visited_units = {
        year: len({unit for y, unit in [*planned, *seed_first] if y == year}) for year in sorted(campaigns)
    }


# --- Accounts -----------------------------------------------------------------------------------


def _load_accounts(summary: DemoSummary, *, units: dict[str, Unit], places: dict[str, Place]) -> None:
    """The demo's people, one per role, all with the password ``data.DEMO_PASSWORD``."""
    # One hash for all: the password is public anyway, and hashing is deliberately slow.
    hashed = make_password(data.DEMO_PASSWORD)
    for username, display_name, role, where in data.DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            summary.accounts_existing.append(username)
            continue
        user = user_create(username=username, password=None, display_name=display_name)
        user.password = hashed
        user.save(update_fields=["password"])
        if role == Role.CITY_ADMIN:
            membership_grant(user=user, role=role)
        elif role == Role.UNIT_LIAISON:
            membership_grant(user=user, role=role, unit=units[where])
        else:
            membership_grant(user=user, role=role, place=places[where])
        summary.accounts.append(username)
