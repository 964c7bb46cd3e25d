"""Evidence files of the self-evaluation and reviewers' photos: type and size checked (core.uploads)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.sites import services
from dangjian.sites.models import Evidence, ReviewPhoto

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, api_for, application, name, content, who="secretary", criterion="A02"):
    return client.post(
        f"/api/v1/sites/applications/{application.pk}/evidence",
        {"file": SimpleUploadedFile(name, content), "criterion": criterion},
        **api_for(who),
    )


def test_evidence_is_attached_to_a_criterion_under_a_random_name(client, api_for, walk):
    application = walk("draft")
    response = upload(client, api_for, application, "王某某的党员活动室照片.pdf", PDF)
    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.name == "王某某的党员活动室照片.pdf" and "王某某" not in evidence.file.name
    listed = client.get(f"/api/v1/sites/applications/{application.pk}/evidence", **api_for("officer")).json()
    assert listed["items"][0]["criterion"] == "A02"


@pytest.mark.parametrize(
    ("name", "content", "criterion"),
    [("a.exe", b"MZ", "A02"), ("a.pdf", b"", "A02"), ("a.pdf", b"not a pdf", "A02"), ("a.pdf", PDF, "Z99")],
)
def test_bad_evidence_is_422_and_nothing_is_stored(client, api_for, walk, name, content, criterion):
    application = walk("draft")
    response = upload(client, api_for, application, name, content, criterion=criterion)
    assert response.status_code == 422
    assert not Evidence.objects.exists()


def test_no_evidence_after_submission(client, api_for, walk):
    application = walk("submitted")
    assert upload(client, api_for, application, "a.pdf", PDF).status_code == 409


def test_a_reviewer_adds_photos_only_to_assigned_work(client, api_for, walk, personas):
    application = walk("recommended")
    url = f"/api/v1/sites/applications/{application.pk}/review-photos"
    body = {"file": SimpleUploadedFile("现场.png", PNG), "criterion": "A04", "method": "on_site"}
    assert client.post(url, body, **api_for("reviewer")).status_code == 404
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    response = client.post(
        url,
        {"file": SimpleUploadedFile("现场.png", PNG), "criterion": "A04", "method": "on_site"},
        **api_for("reviewer"),
    )
    assert response.status_code == 201 and response.json()["criterion"] == "A04"
    pdf = client.post(
        url, {"file": SimpleUploadedFile("a.pdf", PDF), "criterion": "A04"}, **api_for("reviewer")
    )
    assert pdf.status_code == 422 and "图片" in pdf.json()["detail"]
    assert ReviewPhoto.objects.count() == 1
