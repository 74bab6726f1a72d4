"""Phone and ID numbers: validated, stored encrypted, unique by keyed hash, shown masked."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gongjian.volunteers import protect
from gongjian.volunteers.models import Volunteer
from gongjian.volunteers.services import volunteer_create, volunteer_update

pytestmark = pytest.mark.django_db
ID = protect.id_number_with_check("43020219900101123")


def test_it_masks_numbers():
    assert protect.mask_phone("13807330001") == "138****0001"
    assert protect.mask_id_number(ID) == "430***********" + ID[-4:]


def test_it_stores_numbers_encrypted_and_masked(volunteer):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM volunteers_volunteer WHERE id = %s", [volunteer.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert "13807330001" not in row and ID not in row
    assert volunteer.phone_masked == "138****0001"
    assert protect.decrypt(volunteer.phone_encrypted) == "13807330001"
    assert protect.decrypt(volunteer.id_number_encrypted) == ID


def test_it_refuses_a_phone_or_id_number_already_registered(volunteer):
    with pytest.raises(ValidationError) as exc:
        volunteer_create(name="另一人", phone="138 0733 0001")
    assert "phone" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        volunteer_create(name="另一人", phone="13807339999", id_number=ID.lower())
    assert "id_number" in exc.value.error_dict
    assert Volunteer.objects.count() == 1


@pytest.mark.parametrize(
    ("phone", "id_number", "field"),
    [
        ("1234", "", "phone"),
        ("23807330001", "", "phone"),
        ("13807330002", "12345", "id_number"),
        ("13807330002", ID[:-1] + ("0" if ID[-1] != "0" else "1"), "id_number"),
    ],
)
def test_it_refuses_bad_numbers(world, phone, id_number, field):
    with pytest.raises(ValidationError) as exc:
        volunteer_create(name="某人", phone=phone, id_number=id_number)
    assert field in exc.value.error_dict


def test_a_party_member_needs_a_unit(world):
    with pytest.raises(ValidationError) as exc:
        volunteer_create(name="某人", phone="13807330002", is_party_member=True)
    assert "unit" in exc.value.error_dict


def test_updating_the_phone_keeps_it_encrypted(volunteer):
    volunteer_update(volunteer=volunteer, phone="13907330009")
    volunteer.refresh_from_db()
    assert volunteer.phone_masked == "139****0009"
    assert volunteer.phone_hash == protect.lookup_hash("phone", "13907330009")


def test_the_audit_trail_keeps_only_the_masked_numbers(volunteer):
    from gongjian.core.models import AuditEntry

    entry = AuditEntry.objects.filter(object_id=str(volunteer.pk), action="create").latest("id")
    text = str(entry.changes)
    assert "138****0001" in text and "phone_encrypted" not in text and "phone_hash" not in text
