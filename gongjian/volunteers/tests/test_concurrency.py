"""Race safety on PostgreSQL: many people taking the last places at once never overfill an activity,
and the waitlist keeps arrival order."""

import threading

import pytest
from django.db import connection, connections

from gongjian.volunteers.models import Signup
from gongjian.volunteers.services import signup_create
from gongjian.volunteers.tests.conftest import at, make_volunteer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks across connections)"),
]


def test_concurrent_signups_never_overfill(world, activity):
    people = [make_volunteer(f"抢名额{i}", f"1330733{i:04d}") for i in range(8)]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def take(volunteer):
        try:
            barrier.wait()
            signup_create(activity=activity, volunteer=volunteer, actor=None, now=at(19, 9))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(v,)) for v in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    statuses = list(Signup.objects.filter(activity=activity).order_by("id").values_list("status", flat=True))
    assert statuses.count("confirmed") == activity.capacity == 2
    # The places went to the first two rows written, and everyone after waits in order.
    assert statuses == ["confirmed", "confirmed"] + ["waitlisted"] * 6
