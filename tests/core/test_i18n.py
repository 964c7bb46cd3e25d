"""The English translation: the language switch, translated pages, findings and API errors, and the catalog.

The Chinese msgids are the source text (decision 0002); `src/dangjian/locale/en/LC_MESSAGES/django.po` is the
translation and the committed `django.mo` is what Django reads, so both are checked here.
"""

import contextlib
import datetime as dt
import gettext
import html
import io
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from dangjian.accounts.models import User
from dangjian.core import idnumber
from dangjian.members.models import Member
from dangjian.members.services import selfservice as selfservice_services
from dangjian.members.services import transfers as transfer_services
from dangjian.orglife import services as orglife_services
from dangjian.orgs.models import Organization
from dangjian.orgs.rules import StructureFacts, check_structure
from dangjian.recruitment import services as recruitment_services
from dangjian.sites import services as sites_services

from ..factories import make_member

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "dangjian" / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLACEHOLDER = re.compile(r"%\((\w+)\)[-+ #0-9.]*[sdifr]")


def _switch(client, language, next_url="/"):
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return response


# --- switching the interface language ----------------------------------------------------------------------


def test_switching_to_english_translates_navigation_and_enum_labels(county, client_for):
    client = client_for("admin")
    _switch(client, "en")

    home = client.get(reverse("core:home")).content.decode()
    assert "Overview" in home
    assert "Organization tree" in home  # navigation
    assert "Audit log" in home
    assert "Sign out" in home
    assert "Party committee" in home  # 党委 in the chart of organizations by kind
    assert "Party branch" in home
    assert "Full member" in home
    assert "组织架构" not in home
    assert "旌德县委" in home  # data stays as entered

    tree = client.get(reverse("orgs:tree")).content.decode()
    assert "Organization tree" in tree
    assert "Search and filter" in tree
    assert "Party committee" in tree
    assert "General Party branch" in tree  # the kind filter's choices
    assert "Township" in tree  # the domain filter's choices
    assert "党委</option>" not in tree

    _switch(client, "zh-hans")
    assert "组织架构" in client.get(reverse("orgs:tree")).content.decode()


def test_structure_tab_and_term_badges_in_english(county, client_for):
    client = client_for("secretary")
    _switch(client, "en")
    url = reverse("orgs:detail", args=[county.village_a1.pk]) + "?tab=structure"
    page = client.get(url).content.decode()
    assert "Structure check" in page
    assert "Basis: Branch Regulations" in page  # the source of a finding
    assert "Full member" in page


def test_the_user_menu_offers_both_languages(county, client_for):
    page = client_for("admin").get(reverse("orgs:tree")).content.decode()
    form = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', page, re.S)
    assert form is not None
    form = form.group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/orgs/"' in form
    assert 'value="zh-hans"' in form and "简体中文" in form
    assert 'value="en"' in form and "English" in form


def test_the_login_page_offers_english_before_signing_in(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert 'value="en"' in page
    _switch(client, "en", reverse("accounts:login"))
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Sign in" in page
    assert "Username" in page
    assert "账号登录" not in page


def test_an_english_browser_alone_keeps_the_pages_chinese(county, client_for):
    # Office computers often have English browsers: only the switcher (the cookie) turns pages English.
    page = client_for("admin").get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "组织架构" in page and "Organization tree" not in page


def test_spreadsheet_downloads_work_in_english(county, client_for):
    # Translated worksheet names must still be valid in Excel (no “:”, at most 31 characters).
    client = client_for("admin")
    _switch(client, "en")
    response = client.get(reverse("stats:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- messages made in Python -------------------------------------------------------------------------------


def test_structure_finding_is_translated():
    facts = StructureFacts(
        kind="branch", domain="rural", is_grassroots=True, full_members=2, probationary_members=0
    )
    today = dt.date(2026, 3, 1)
    with translation.override("en"):
        english = {f.code: f for f in check_structure(facts, today).findings}
    with translation.override("zh-hans"):
        chinese = {f.code: f for f in check_structure(facts, today).findings}

    below = english["branch_below_three"]
    assert below.message == (
        "2 full members, fewer than 3; a joint Party branch should be set up with neighbouring units."
    )
    assert below.source == "Branch Regulations, Arts. 4 and 5; Party Constitution, Art. 30"
    assert chinese["branch_below_three"].message.startswith("正式党员 2 人")
    assert english["secretary_missing"].message.startswith("There is no secretary")


def test_term_finding_dates_in_english():
    facts = StructureFacts(
        kind="branch",
        domain="organ",
        is_grassroots=True,
        full_members=5,
        probationary_members=0,
        team_posts=("secretary",),
        term_started_on=dt.date(2020, 1, 10),
    )
    with translation.override("en"):
        findings = {f.code: f for f in check_structure(facts, dt.date(2026, 3, 1)).findings}
    assert findings["term_overdue"].message.startswith("The term ended on 2023-01-10")


def test_api_error_in_english_when_asked(client, api_for, county):
    payload = {
        "parent_id": county.town_a.pk,
        "name": "新村",
        "code": "B1",
        "kind": "branch",
        "domain": "rural",
    }
    headers = {**api_for("admin"), "HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.post("/api/v1/orgs", payload, content_type="application/json", **headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "code", "message": "The organization code “B1” is already in use"}
    ]

    bad = {**payload, "code": "B9", "established_on": "2026-13-01"}
    response = client.post("/api/v1/orgs", bad, content_type="application/json", **headers)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("Invalid input: ")
    assert {"field": "established_on", "message": "Dates must be in the format YYYY-MM-DD"} in body["errors"]


def test_api_stays_chinese_by_default(client, api_for, county):
    response = client.get("/api/v1/orgs/999999", **api_for("admin"))
    assert response.status_code == 404
    assert response.json()["detail"] == "对象不存在或不在您的管理范围内"


# --- the catalog -------------------------------------------------------------------------------------------


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr ({index: text}), flags. Obsolete ones are skipped."""
    entries, entry, field = [], None, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if not line:
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field, entry["msgctxt"] = "msgctxt", _unquote(line[8:])
        elif line.startswith("msgid_plural "):
            field, entry["msgid_plural"] = "msgid_plural", _unquote(line[13:])
        elif line.startswith("msgid "):
            field, entry["msgid"] = "msgid", _unquote(line[6:])
        elif line.startswith("msgstr"):
            match = re.match(r"msgstr(?:\[(\d+)\])? (.*)", line)
            field = ("msgstr", int(match.group(1) or 0))
            entry["msgstr"][field[1]] = _unquote(match.group(2))
        elif line.startswith('"'):
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += _unquote(line)
            else:
                entry[field] += _unquote(line)
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


@pytest.fixture(scope="module")
def catalog():
    return read_po(PO_FILE)


def test_catalog_has_no_untranslated_or_fuzzy_entries(catalog):
    assert len(catalog) > 500
    fuzzy = [e["msgid"] for e in catalog if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in catalog if not all(e["msgstr"].values()) or not e["msgstr"]]
    assert fuzzy == []
    assert untranslated == []
    plural_short = [e["msgid"] for e in catalog if "msgid_plural" in e and len(e["msgstr"]) != 2]
    assert plural_short == []


def test_every_placeholder_is_kept(catalog):
    wrong = []
    for entry in catalog:
        wanted = set(PLACEHOLDER.findall(entry["msgid"]))
        for text in entry["msgstr"].values():
            if set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((entry["msgid"], text))
    assert wrong == []


def test_translations_keep_no_chinese(catalog):
    # Our own words are all English, full-width punctuation included. Chinese stays only in “quotes”, for
    # what the user must type or find as it is: the import template's sheet and column names and values.
    chinese = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff1f]")
    leftover = []
    for entry in catalog:
        for text in entry["msgstr"].values():
            quoted = re.findall(r"“([^”]*)”", text)
            if any(q not in entry["msgid"] for q in quoted if chinese.search(q)) or chinese.search(
                re.sub(r"“[^”]*”", "", text)
            ):
                leftover.append((entry["msgid"], text))
    assert leftover == []


def test_compiled_catalog_matches_the_po_file(catalog):
    """The committed .mo must be compiled from the committed .po (deployments have no gettext tools)."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalog:
        if "msgctxt" in entry:
            continue
        if "msgid_plural" in entry:
            got = [compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            if got != [entry["msgstr"][0], entry["msgstr"][1]]:
                stale.append(entry["msgid"])
        elif compiled.gettext(entry["msgid"]) != entry["msgstr"][0]:
            stale.append(entry["msgid"])
    assert stale == []


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("党委", "Party committee"),
        ("党总支", "General Party branch"),
        ("党支部", "Party branch"),
        ("党小组", "Party group"),
        ("党工委", "Party working committee"),
        ("正式党员", "Full member"),
        ("预备党员", "Probationary member"),
        ("组织设置检查", "Structure check"),
        ("班子成员", "Leadership team"),
        ("届期", "Term"),
        ("超期未换届", "Re-election overdue"),
        ("组织部管理员", "Organization Department administrator"),
    ],
)
def test_domain_terms_follow_the_glossary(chinese, english):
    with translation.override("en"):
        assert translation.gettext(chinese) == english
    with translation.override("zh-hans"):
        assert translation.gettext(chinese) == chinese


# --- the guard: every string marked in the source has its English translation ------------------------------

SOURCE_DIR = Path(__file__).resolve().parents[2] / "src" / "dangjian"
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalog as `makemessages -l en` would make it now: run on a copy of the sources and of the locale
    folder (the working tree is never touched), so that the committed translations are merged in."""
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"makemessages needs GNU gettext ({', '.join(missing)}): apt-get install gettext")
    copy = tmp_path_factory.mktemp("catalog") / "dangjian"
    shutil.copytree(
        SOURCE_DIR,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "static", "var", "*.pyc", "*.mo", "*.docx"),
    )
    with override_settings(LOCALE_PATHS=[copy / "locale"]), contextlib.chdir(copy):
        call_command("makemessages", locale=["en"], no_wrap=True, no_obsolete=True, verbosity=0)
    return read_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")


def test_every_string_marked_for_translation_has_an_english_translation(extracted):
    """Fails for a new or reworded `_("…")` / `{% translate %}` without its English: regenerate the catalog
    (CONTRIBUTING.md, “Updating the English catalog”), translate what is empty or fuzzy, compile."""
    assert len(extracted) > 3000
    untranslated = [e["msgid"] for e in extracted if not e["msgstr"] or not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in extracted if "fuzzy" in e["flags"]]
    assert untranslated == [], "no English translation yet"
    assert fuzzy == [], "reworded since translated (fuzzy)"


# --- pages of the newer modules in English -----------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u9fff\u3001-\u303f\uff01-\uff1f]+")  # \u3000 is only indentation


def _english(client, url):
    _switch(client, "en")
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _chinese_left(page: str, data: set[str]) -> set[str]:
    """CJK runs in the page's text and attributes that are not data (names of organizations and people)."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    runs = set(CJK.findall(html.unescape(text)))
    return {run for run in runs if not any(run in value for value in data)} - {"简体中文", "党建通"}


def _names(county) -> set[str]:
    orgs = Organization.objects.values_list("name", flat=True)
    people = Member.objects.values_list("name", flat=True)
    accounts = [user.get_full_name() for user in User.objects.all()]
    return {*orgs, *people, *accounts, county.root.name}


def test_organizational_life_pages_in_english(county, personas, client_for):
    present = list(Member.objects.filter(org=county.village_a1, category="full").order_by("id")[:3])
    meeting = orglife_services.meeting_create(
        actor=personas.secretary,
        org=county.village_a1,
        kind="assembly",
        held_on=timezone.localdate() - dt.timedelta(days=1),
        topic="学习党章",
        attendees=[{"member_id": m.pk, "attendance": "present"} for m in present],
    )
    client = client_for("secretary")
    data = {*_names(county), "学习党章"}

    page = _english(client, reverse("orglife:meeting_detail", args=[meeting.pk]))
    assert "Meeting details" in page and "Party members&#x27; assembly" in page
    assert f"{len(present)}: {', '.join(m.name for m in present)}" in page  # not “3：甲、乙、丙”
    assert _chinese_left(page, data) == set()

    printed = _english(client, reverse("orglife:meeting_print", args=[meeting.pk]))
    assert f"{len(present)} people" in printed  # the head counts, one plural msgid with the public board
    assert _chinese_left(printed, data) == set()

    listing = _english(client, reverse("orglife:meeting_list"))
    assert "Record organizational life" in listing
    assert _chinese_left(listing, data) == set()


def test_member_development_pages_in_english(county, personas, client_for):
    case = recruitment_services.case_create(
        actor=personas.secretary,
        org=county.village_a1,
        person_name="张小明",
        id_number=idnumber.build("341825", dt.date(1998, 4, 2), 13),
        applied_on=timezone.localdate() - dt.timedelta(days=5),
    )
    client = client_for("secretary")
    page = _english(client, reverse("recruitment:case_detail", args=[case.pk]))
    assert "Progress: five stages, twenty-five steps" in page
    assert "Talk by the Party organization" in page  # the steps' own titles, once invisible to makemessages
    assert "Recruitment Rules, Art. 7" in page
    assert _chinese_left(page, {*_names(county), "张小明"}) == set()
    assert "Member development" in _english(client, reverse("recruitment:case_list"))


def test_demonstration_site_pages_in_english(county, personas, client_for):
    with time_machine.travel(dt.datetime(2026, 4, 15, 9, tzinfo=SHANGHAI), tick=False):
        sites_services.catalogue_load(year=2026)
        campaign = sites_services.campaign_open(actor=personas.admin, year=2026)
        client = client_for("secretary")
        page = _english(client, reverse("sites:application_new"))
        assert "甲村党支部 (Rural)" in page and "（Rural）" not in page  # the organization choices
        assert _chinese_left(page, {*_names(county), campaign.title}) == set()
        overview = _english(client_for("admin"), reverse("sites:overview"))
        assert "Demonstration sites overview" in overview


def test_disclosure_board_in_english(county, client):
    with time_machine.travel(dt.datetime(2026, 4, 15, 9, tzinfo=SHANGHAI), tick=False):
        page = _english(client, reverse("disclosure:board"))
    assert "Party affairs disclosure board" in page
    assert "2026-04-15 · only items within their disclosure period are shown" in page  # not 2026年4月15日
    assert _chinese_left(page, _names(county)) == set()


def test_inbox_in_english(county, client_for):
    page = _english(client_for("secretary"), reverse("notifications:inbox"))
    assert "<h1>Notifications</h1>" in page
    assert "All levels" in page
    assert _chinese_left(page, _names(county)) == set()


# --- members, the member's home and the statistics: code tables shown in English -----------------------------
# The code tables' labels stay Chinese in the database, imports and the API (gettext_noop); pages translate them.


def _with_codes(member: Member) -> Member:
    Member.objects.filter(pk=member.pk).update(
        ethnicity="03", education="21", degree="bachelor", occupation="02"
    )  # 回族, 大学本科, 学士, 农牧渔民
    member.refresh_from_db()
    return member


CODES_IN_ENGLISH = ("Hui", "Undergraduate (bachelor's)", "Bachelor's degree", "Farmer, herder or fisher")
CODES_IN_CHINESE = ("回族", "大学本科", "学士", "农牧渔民")


def test_member_record_pages_show_code_tables_in_english(county, personas, client_for):
    member = _with_codes(county.own_member)
    client = client_for("secretary")
    chinese = client.get(reverse("members:detail", args=[member.pk]) + "?tab=info").content.decode()
    assert all(label in chinese for label in CODES_IN_CHINESE)

    page = _english(client, reverse("members:detail", args=[member.pk]) + "?tab=info")
    assert all(label in html.unescape(page) for label in CODES_IN_ENGLISH)
    assert "Male · " in page and " · Hui</span>" in page  # the header beside the name
    assert _chinese_left(page, _names(county)) == set()

    roster = _english(client, reverse("members:roster"))
    assert "Undergraduate (bachelor&#x27;s)" in roster and '<td class="text-nowrap">Hui</td>' in roster
    assert _chinese_left(roster, _names(county)) == set()

    edit = _english(client, reverse("members:edit", args=[member.pk]))
    assert '<option value="03" selected>Hui</option>' in edit  # the codes are unchanged
    assert '<option value="bachelor" selected>Bachelor&#x27;s degree</option>' in edit
    assert _chinese_left(edit, _names(county)) == set()


def test_member_home_own_record_and_corrections_in_english(county, personas, client_for):
    _with_codes(county.own_member)
    correction = selfservice_services.correction_request_submit(
        actor=personas.member, field="education", requested_value="31", reason="毕业证书"
    )
    assert correction.current_value == "大学本科"  # stored as written, in Chinese
    client = client_for("member")
    data = {*_names(county), "毕业证书"}

    home = _english(client, reverse("core:home"))
    assert "<dt>Ethnicity</dt><dd>Hui</dd>" in home
    assert _chinese_left(home, data) == set()

    record = html.unescape(_english(client, reverse("selfservice:record")))
    assert all(label in record for label in CODES_IN_ENGLISH)
    assert _chinese_left(record, data) == set()

    mine = html.unescape(_english(client, reverse("selfservice:my_corrections:list")))
    assert "Undergraduate (bachelor's) → <strong>Junior college</strong>" in mine
    assert _chinese_left(mine, data) == set()

    desk = html.unescape(
        _english(client_for("secretary"), reverse("selfservice:desk:correction", args=[correction.pk]))
    )
    assert "<dd>Undergraduate (bachelor's)</dd>" in desk and "<strong>Junior college</strong>" in desk
    assert _chinese_left(desk, data) == set()


def test_transfer_print_page_has_english_buttons_and_the_chinese_letter(county, personas, client_for):
    member = make_member(county.village_a1, name="王建国")
    transfer = transfer_services.transfer_issue(
        actor=personas.secretary, member=member, to_org=county.village_b1
    )
    page = _english(client_for("secretary"), reverse("transfers:letters:print", args=[transfer.pk]))
    interface, letter = page.split('<div lang="zh-CN">')
    assert "Back" in interface and "Download Word" in interface
    assert "Use your browser's “Print” (Ctrl+P) on A4 paper." in html.unescape(interface)
    assert _chinese_left(interface, {*_names(county), transfer.letter_no}) == set()
    # The letter is an official form: Chinese whatever the interface language.
    assert "王建国同志（男，" in letter and "正式党员" in letter and "沿此线剪开" in letter
    assert "Comrade" not in letter and "Full member" not in letter


def _workbook_cells(response) -> tuple[list[str], set[str]]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = {str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    return book.sheetnames, cells


def test_statistics_workbook_is_english_for_an_english_reader(county, client_for):
    _with_codes(county.own_member)
    client = client_for("admin")
    _switch(client, "en")
    sheets, cells = _workbook_cells(client.get(reverse("stats:export")))
    assert sheets == ["Summary", "Basic figures", "Time of joining"]
    expected = {
        "By ethnicity",
        "Han",
        "Hui",  # the ethnic groups
        "30 and under",  # age bands, as rows and as column heads
        "Up to 6 July 1937",  # joining periods
        "Undergraduate (bachelor's)",
        "Not given",  # education
        "Farmer, herder or fisher",  # occupation
        "Postgraduate",  # the education columns of the annual table
    }
    assert expected <= cells
    leftover = {run for cell in cells for run in CJK.findall(cell)}
    assert {run for run in leftover if not any(run in name for name in _names(county))} == set()

    _switch(client, "zh-hans")
    sheets, cells = _workbook_cells(client.get(reverse("stats:export")))
    assert sheets[0] == "汇总"
    assert {
        "各民族",
        "汉族",
        "回族",
        "30岁及以下",
        "1937年7月6日及以前",
        "大学本科",
        "未填写",
        "研究生",
    } <= cells


def test_statistics_page_charts_in_english(county, client_for):
    _with_codes(county.own_member)
    page = _english(client_for("admin"), reverse("stats:members"))
    charts = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)
    assert '"labels": ["Hui"]' in charts  # the minorities chart: Han is not a minority in English either
    assert "Up to 1937.7.6" in charts and "Professional and technical staff" in charts  # short axis labels
    assert _chinese_left(charts, _names(county)) == set()
