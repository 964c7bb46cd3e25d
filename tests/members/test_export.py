"""Roster export (花名册导出): stroke order, masking per role, the audit of full numbers, the access matrix.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1) ── 第一党小组 (A1G1)
                                     │           └─ 乙村党支部 (A2)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1)
"""

import io

import openpyxl
import pytest

from dangjian.core.crypto import mask_id_number
from dangjian.core.models import AuditEntry
from dangjian.members import strokes
from dangjian.members.models import Member
from dangjian.members.selectors.records import RosterFilters
from dangjian.members.services.exporting import roster_export

from ..factories import make_member

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
HEADER_ROW = 3  # title, subtitle, then the header


def rows_of(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [row for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


@pytest.fixture
def named(county):
    """Members of 乙村 whose surnames sort differently by strokes than by pinyin or code point."""
    names = ["王五", "丁一", "马六", "三毛", "达七", "李四"]
    members = [make_member(county.village_a2, name=name) for name in names]
    for member in Member.objects.all():  # factories leave the key empty, as a bulk load might
        Member.objects.filter(pk=member.pk).update(name_key=strokes.name_key(member.name))
    return members


def test_roster_is_in_surname_stroke_order_with_a_printable_layout(personas, county, named):
    export = roster_export(actor=personas.officer, filters=RosterFilters(within=county.village_a2))
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "中共乙村党支部党员花名册"
    assert "共 9 名党员" in sheet["A2"].value  # the three of the fixture and the six above
    assert [c.value for c in sheet[HEADER_ROW]][:3] == ["序号", "姓名", "性别"]
    names = [row[1] for row in rows_of(export.content)]
    assert names == sorted(names, key=strokes.name_key)
    assert names.index("丁一") < names.index("三毛") < names.index("马六") < names.index("王五")
    assert names.index("达七") < names.index("李四")  # 达 has six strokes (cn-sort corrected), 李 seven
    assert [row[0] for row in rows_of(export.content)] == list(range(1, 10))
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$3:$3"
    assert export.filename.startswith("乙村党支部党员花名册")


def test_officer_gets_masked_numbers_and_the_export_is_audited_without_a_reveal(personas, county):
    entries = AuditEntry.objects.count()
    export = roster_export(actor=personas.officer, filters=RosterFilters(within=county.village_a1))
    member = county.own_member
    row = next(row for row in rows_of(export.content) if row[1] == member.name)
    assert row[5] == mask_id_number(member.id_number) and row[12] == "138****5678"
    assert export.revealed == 0 and AuditEntry.objects.count() == entries + 1
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == personas.officer and entry.org == county.village_a1
    assert entry.summary == f"导出党员花名册 {export.count} 人"
    assert (entry.after["count"], entry.after["revealed"]) == (export.count, 0)
    assert not AuditEntry.objects.filter(action="reveal").exists()


@pytest.mark.parametrize("who", ["admin", "secretary"])
def test_admin_and_own_branch_secretary_get_full_numbers_and_the_export_is_audited(personas, county, who):
    export = roster_export(actor=getattr(personas, who), filters=RosterFilters(within=county.village_a1))
    member = county.own_member
    row = next(row for row in rows_of(export.content) if row[1] == member.name)
    assert row[5] == member.id_number and row[12] == "13812345678"
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == getattr(personas, who) and entry.org == county.village_a1
    assert entry.after["revealed"] == export.revealed == 11 and "导出党员花名册" in entry.summary
    assert "11 人含完整公民身份号码" in entry.summary
    assert member.id_number not in str(entry.after)


def test_masked_on_request_writes_no_reveal(personas, county):
    export = roster_export(actor=personas.admin, filters=RosterFilters(within=county.village_a1), masked=True)
    assert export.revealed == 0 and not AuditEntry.objects.filter(action="reveal").exists()
    entry = AuditEntry.objects.get(action="export")
    assert entry.after["revealed"] == 0 and "完整" not in entry.summary
    assert all("*" in row[5] for row in rows_of(export.content))


def test_filters_of_the_roster_apply(personas, county):
    probationary = roster_export(
        actor=personas.admin, filters=RosterFilters(within=county.root, category="probationary"), masked=True
    )
    assert probationary.count == 3 and {row[7] for row in rows_of(probationary.content)} == {"预备党员"}
    by_number = roster_export(
        actor=personas.admin, filters=RosterFilters(q=county.own_member.id_number), masked=True
    )
    assert [row[1] for row in rows_of(by_number.content)] == ["李华"]


def test_an_empty_roster_still_has_title_and_header(personas, county):
    export = roster_export(actor=personas.admin, filters=RosterFilters(q="没有这个人"), masked=True)
    assert export.count == 0 and rows_of(export.content) == []


# --- /api/v1/members/export ---------------------------------------------------------------------------------

EXPORTS = {
    # query → expected status per role (admin, officer, secretary, secretary_b, member, reviewer, anonymous)
    "own scope": ("", [200, 200, 200, 200, 403, 403, 401]),
    "within 甲村": ("?within={village_a1}", [200, 200, 200, 404, 403, 403, 401]),
    "within 丙镇": ("?within={town_b}", [200, 404, 404, 404, 403, 403, 401]),
    # The query is checked before the view runs, so every signed-in caller hears about the bad value.
    "bad status": ("?status=nonsense", [422, 422, 422, 422, 422, 422, 401]),
}


@pytest.mark.parametrize("case", list(EXPORTS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_export_access_matrix(client, api_for, county, case, role_index):
    query, expected = EXPORTS[case]
    url = "/api/v1/members/export" + query.format(village_a1=county.village_a1.pk, town_b=county.town_b.pk)
    response = client.get(url, **api_for(ROLES[role_index]))
    status = expected[role_index]
    assert response.status_code == status, response.content
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    else:
        assert response.json()["detail"]


def test_export_of_the_secretary_b_lists_only_their_branch(client, api_for, county):
    response = client.get("/api/v1/members/export?masked=true", **api_for("secretary_b"))
    names = {row[1] for row in rows_of(response.content)}
    assert len(names) >= 1 and all(row[10] == "丙村党支部" for row in rows_of(response.content))
