"""The printable QR sheet: codes generated through the service at print time, one slip per code whose QR code
encodes the public survey address of that very code, the code in large letters, the application's name and the
instructions; only the committee above the applicant may print it; never cached."""

import html
import re

import pytest
import segno

from dangjian.core.models import AuditEntry
from dangjian.sites import services
from dangjian.sites.models import SurveyCode

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]


def sheet_url(application) -> str:
    return f"/public/manage/survey-sheet/{application.pk}/"


def slips(page: str) -> list[tuple[str, str]]:
    """(svg, code) of every slip on the page."""
    found = re.findall(
        r'<div class="slip__qrbox">(<svg.*?</svg>)</div>.*?<p class="slip__code"[^>]*>([A-Z0-9-]+)</p>',
        page,
        re.S,
    )
    return found


def matrix_of(svg: str) -> set[tuple[int, int]]:
    """The dark modules drawn by segno's SVG path (M x y, h n, m dx dy; rows are lines through y + 0.5)."""
    border = 2
    path = html.unescape(re.search(r' d="([^"]+)"', svg).group(1))
    dark, x, y = set(), 0.0, 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for step in range(int(float(a))):
                dark.add((int(y - 0.5) - border, int(x) - border + step))
            x += float(a)
    return dark


def expected_matrix(url: str) -> set[tuple[int, int]]:
    qr = segno.make(url, error="m", micro=False)
    return {(r, c) for r, row in enumerate(qr.matrix) for c, value in enumerate(row) if value & 1}


def test_the_sheet_makes_codes_through_the_service_and_each_qr_opens_its_own_survey(client_for, walk):
    application = walk("submitted")
    officer = client_for("officer")
    audits = AuditEntry.objects.count()
    response = officer.post(sheet_url(application), {"count": 12})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    found = slips(page)
    assert len(found) == 12 and len({code for _svg, code in found}) == 12
    assert SurveyCode.objects.filter(application=application, used=False).count() == 12
    assert AuditEntry.objects.count() == audits + 1  # the service's one entry
    for svg, code in found:
        assert services.survey_lookup(code) == application  # a real, unused code of this application
        assert matrix_of(svg) == expected_matrix(f"http://testserver/public/survey/{code}/")
    assert page.count('class="sheet"') == 2  # 10 slips per A4 page
    assert "甲村党支部" in page and "2026 年度党建示范点创建" in page
    assert "http://testserver/public/survey/" in page and "每码限用一次" in page


def test_the_qr_codes_point_at_the_deployments_address(client_for, walk, settings):
    settings.SITE_URL = "https://dangjian.example.gov.cn"
    application = walk("submitted")
    page = client_for("admin").post(sheet_url(application), {"count": 1}).content.decode()
    [(svg, code)] = slips(page)
    assert matrix_of(svg) == expected_matrix(f"https://dangjian.example.gov.cn/public/survey/{code}/")
    assert matrix_of(svg) != expected_matrix(f"http://testserver/public/survey/{code}/")
    assert "https://dangjian.example.gov.cn/public/survey/" in page


def test_a_slip_opens_the_questionnaire(client_for, walk):
    application = walk("submitted")
    [(_svg, code)] = slips(client_for("officer").post(sheet_url(application), {"count": 1}).content.decode())
    public = client_for(None).get(f"/public/survey/{code}/")
    assert public.status_code == 200 and "甲村党支部" in public.content.decode()


@pytest.mark.parametrize("count", ["0", "501", "abc", ""])
def test_a_bad_count_is_refused_and_nothing_is_generated(client_for, walk, count):
    application = walk("submitted")
    response = client_for("officer").post(sheet_url(application), {"count": count})
    assert response.status_code == 422 and "测评码个数" in response.content.decode()
    assert not SurveyCode.objects.exists()


def test_no_codes_for_an_application_outside_the_survey(client_for, walk):
    draft = walk("draft")
    page = client_for("officer").get(sheet_url(draft))
    assert page.status_code == 409 and "只有已申报、正在考评的申报" in page.content.decode()
    refused = client_for("officer").post(sheet_url(draft), {"count": 5})
    assert refused.status_code == 409 and not SurveyCode.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), list(zip(ROLES, [200, 200, 403, 404, 403, 404, 302], strict=True))
)
def test_who_may_print_the_sheet(client_for, walk, role, status):
    application = walk("submitted")
    client = client_for(role)
    audits = AuditEntry.objects.count()
    form = client.get(sheet_url(application))
    assert form.status_code == status
    response = client.post(sheet_url(application), {"count": 2})
    assert response.status_code == status
    generated = SurveyCode.objects.filter(application=application).count()
    assert generated == (2 if status == 200 else 0)
    assert AuditEntry.objects.count() == audits + (1 if status == 200 else 0)
    if role is None:
        assert response["Location"].startswith("/accounts/login/")


def test_an_assigned_reviewer_may_not_print_codes(client_for, walk, personas):
    application = walk("submitted")
    services.reviewer_assign(actor=personas.admin, application=application, reviewer=personas.reviewer)
    assert client_for("reviewer").post(sheet_url(application), {"count": 2}).status_code == 403
    assert not SurveyCode.objects.exists()
