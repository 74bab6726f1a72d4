"""Nominations: by a community, a unit or a resident, with consent; reviewed only by the office;
candidate pages escape everything typed and accept images only."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongjian.conftest import make_photo
from gongjian.core.models import AuditEntry
from gongjian.rolemodels import services
from gongjian.rolemodels.models import Category, Nomination, NominationStatus, NominatorKind
from gongjian.rolemodels.tests.conftest import approve, nominate


def test_it_records_a_community_nomination_with_consent_and_photos(beiling_staff: Any, world: Any) -> None:
    n = nominate(
        beiling_staff,
        "刘阿姨",
        Category.BEST_NEIGHBOUR,
        nominator_kind=NominatorKind.COMMUNITY,
        nominator_community=world["beiling"],
        community=world["beiling"],
        photos=[make_photo(exif_gps=True)],
    )
    assert n.status == NominationStatus.SUBMITTED and n.nominator_label == "北岭社区"
    assert n.consent_given and n.consent_method == "本人签字的同意书" and n.consent_recorded_at
    photo = n.photos.get()
    assert photo.image.name.endswith(".jpg")
    from PIL import Image

    with Image.open(photo.image.path) as img:
        assert not img.getexif()


def test_it_refuses_without_consent(resident: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        nominate(resident, "某人", consent_given=False)
    assert "本人" in exc.value.message_dict["consent_given"][0]
    assert not Nomination.objects.exists()


def test_it_refuses_a_non_image(resident: Any) -> None:
    fake = SimpleUploadedFile("story.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        nominate(resident, "某人", photos=[fake])
    assert "photos" in exc.value.message_dict
    assert not Nomination.objects.exists()


def test_a_liaison_nominates_only_for_their_own_unit(chengfa_liaison: Any, world: Any) -> None:
    n = nominate(chengfa_liaison, "城发职工", nominator_kind=NominatorKind.UNIT, nominator_unit=world["chengfa"])
    assert n.nominator_unit == world["chengfa"]
    with pytest.raises(ValidationError) as exc:
        nominate(chengfa_liaison, "别人", nominator_kind=NominatorKind.UNIT, nominator_unit=world["gongdian"])
    assert "nominator_unit" in exc.value.message_dict
    with pytest.raises(ValidationError):
        nominate(chengfa_liaison, "别人", nominator_kind=NominatorKind.COMMUNITY, nominator_community=world["beiling"])


def test_only_the_city_office_reviews(resident: Any, chengfa_liaison: Any, city_admin: Any) -> None:
    n = nominate(resident, "某人")
    for who in (resident, chengfa_liaison):
        with pytest.raises(ValidationError, match="只有市文明办"):
            services.nomination_review(nomination=n, actor=who, decision="approve")
    with pytest.raises(ValidationError) as exc:
        services.nomination_review(nomination=n, actor=city_admin, decision="reject")
    assert "reason" in exc.value.message_dict
    n = services.nomination_review(nomination=n, actor=city_admin, decision="return", reason="请补充照片")
    assert n.status == NominationStatus.RETURNED
    assert AuditEntry.objects.filter(event="rolemodels.nomination_reviewed").exists()
    n = services.nomination_resubmit(nomination=n, actor=resident, story="补充了事迹")
    assert n.status == NominationStatus.SUBMITTED
    assert approve(n, city_admin).status == NominationStatus.APPROVED


def test_review_pages_are_the_office_s(client: Client, resident: Any, chengfa_liaison: Any, city_admin: Any) -> None:
    n = nominate(resident, "某人")
    url = reverse("rolemodels:nomination-review", args=[n.pk])
    client.force_login(chengfa_liaison)
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert client.get(reverse("rolemodels:candidate-detail", args=[n.pk])).status_code == 404  # not public yet
    client.force_login(city_admin)
    client.post(url, {"decision": "approve"})
    n.refresh_from_db()
    assert n.status == NominationStatus.APPROVED


def test_candidate_pages_escape_what_the_nominator_typed(client: Client, resident: Any, city_admin: Any) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    n = approve(nominate(resident, evil, headline=evil, story=evil), city_admin)
    body = client.get(reverse("rolemodels:candidate-detail", args=[n.pk])).content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_anonymous_sees_approved_candidates_only(client: Client, resident: Any, city_admin: Any) -> None:
    approved = approve(nominate(resident, "公开的人"), city_admin)
    pending = nominate(resident, "待审核的人")
    assert client.get(reverse("rolemodels:candidate-detail", args=[approved.pk])).status_code == 200
    assert client.get(reverse("rolemodels:candidate-detail", args=[pending.pk])).status_code == 404
    index = client.get(reverse("rolemodels:index")).content.decode()
    assert "公开的人" in index and "待审核的人" not in index


def test_the_nomination_form_submits(client: Client, beiling_staff: Any, world: Any) -> None:
    client.force_login(beiling_staff)
    page = client.get(reverse("rolemodels:nomination-create")).content.decode()
    assert "以社区名义：北岭社区" in page
    response = client.post(
        reverse("rolemodels:nomination-create"),
        {
            "on_behalf": f"community:{world['beiling'].pk}",
            "category": Category.CIVILIZED_FAMILY,
            "nominee_name": "李家",
            "headline": "三代同堂",
            "story": "孝老爱亲",
            "community": world["beiling"].pk,
            "consent_given": "on",
            "consent_method": "签字同意书",
            "photos": [make_photo()],
        },
    )
    assert response.status_code == 302
    n = Nomination.objects.get()
    assert n.nominator_community == world["beiling"] and n.photos.count() == 1


def test_the_form_refuses_an_svg_naming_the_photos_field(client: Client, resident: Any) -> None:
    svg = SimpleUploadedFile(
        "pic.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        content_type="image/svg+xml",
    )
    client.force_login(resident)
    response = client.post(
        reverse("rolemodels:nomination-create"),
        {
            "on_behalf": "resident:", "category": Category.HELPING_OTHERS, "nominee_name": "某人",
            "headline": "标题", "story": "事迹", "consent_given": "on", "consent_method": "电话确认", "photos": [svg],
        },
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "照片：" in body and ("无法识别" in body or "JPEG、PNG 或 WebP" in body)
    assert not Nomination.objects.exists()
