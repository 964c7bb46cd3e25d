"""The printable QR sheet of survey codes: one cut-out slip per code with its QR code (segno, inline SVG)
pointing at the public survey page of that code, the code in large letters and a line of instructions.

Codes are shown once (`sites.services.survey_codes_generate` keeps only their hashes), so the sheet is made in
the same request that generates them and is never stored.
"""

from dataclasses import dataclass

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

SLIPS_PER_PAGE = 10  # 2 columns × 5 rows on A4


@dataclass
class Slip:
    code: str
    url: str
    qr_svg: SafeString


def absolute(request, path: str) -> str:
    """The address the public opens: SITE_URL when the deployment set it, else the one this request came to."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def survey_url(request, code: str) -> str:
    return absolute(request, reverse("disclosure:survey", args=[code]))


def qr_code(url: str) -> segno.QRCode:
    # Level M survives a crease or a smudge on a slip handed round a village meeting.
    return segno.make(url, error="m", micro=False)


def slips(request, codes: list[str]) -> list[Slip]:
    made = []
    for code in codes:
        url = survey_url(request, code)
        svg = qr_code(url).svg_inline(border=2, omitsize=True, title=code, svgclass="slip__qr")
        # segno's own markup; the only text in it is the code (letters and digits) and the URL it encodes.
        made.append(Slip(code=code, url=url, qr_svg=mark_safe(svg)))
    return made


def pages(items: list, size: int = SLIPS_PER_PAGE) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]
