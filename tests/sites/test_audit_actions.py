"""What the audit trail calls each demonstration-site event: the application's steps, designation,
re-review and revocation (transition); a catalogue loaded (import) or published (transition); a criterion or a
reviewer assignment removed (delete); an objection handled and a rectification closed (hold); the application
form and the designated list handed out (export). A member of the public objecting leaves no address in the
log, and what they wrote, and how to reach them, is not shown to the applying organization's secretary."""

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.sites import services
from dangjian.sites.services.management import scored_by_hand

pytestmark = pytest.mark.django_db

OBJECTION = "该村活动场所长期关闭，请核查（张三，13912345678）"
CONTACT = "13987654321"


def entries_of(obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id")
    )


def test_every_step_of_an_application_up_to_designation_is_a_transition(walk, personas, county):
    application = walk("designated")
    by_summary = {entry.summary: entry for entry in entries_of(application)}
    steps = ["提交申报", "推荐上报", "确定考评结果", "公示"]
    assert all(by_summary[summary].action == "transition" for summary in steps)
    designation = next(e for e in entries_of(application) if e.summary.startswith("授牌"))
    assert (designation.action, designation.actor, designation.org) == (
        "transition",
        personas.admin,
        county.village_a1,
    )
    assert designation.before["state"] == "publicized" and designation.after["state"] == "designated"
    assert application.site.plaque_no in designation.summary
    assert entries_of(application)[0].action == "create"


def test_the_rereview_conclusion_and_the_revocation_are_transitions(walk, personas, clock):
    site = walk("designated").site
    clock.move_to(dt.date(2027, 4, 12))
    services.catalogue_load(year=2027)
    campaign = services.campaign_open(actor=personas.admin, year=2027, survey_min_answers=2)
    services.campaign_update(actor=personas.admin, campaign=campaign, rereview_pass_score=100)
    (rereview,) = services.rereview_open(actor=personas.admin, campaign=campaign)
    items = [{"code": c.code, "score": 0} for c in rereview.catalogue.criteria.all() if scored_by_hand(c)]
    services.rereview_score(actor=personas.admin, rereview=rereview, items=items)
    services.rereview_conclude(actor=personas.admin, rereview=rereview)
    conclusion = entries_of(rereview)[-1]
    assert conclusion.action == "transition" and "复审未通过" in conclusion.summary
    services.application_revoke(actor=personas.admin, application=site.application, reason="复审未达标")
    revocation = entries_of(site.application)[-1]
    assert (revocation.action, revocation.summary, revocation.after["state"]) == (
        "transition",
        "摘牌",
        "revoked",
    )
    services.campaign_close(actor=personas.admin, campaign=campaign)
    assert entries_of(campaign)[-1].action == "transition"


def test_loading_catalogues_is_import_with_no_address(catalogues):
    imported = AuditEntry.objects.filter(action="import", object_type="sites.catalogue")
    assert imported.count() == len(catalogues) > 0
    assert all(entry.actor is None and entry.ip is None for entry in imported)


def test_a_criterion_removed_is_delete_and_publishing_a_transition(catalogues, personas):
    draft = services.catalogue_create(
        actor=personas.admin, year=2026, domain="rural", title="2026 农村（修订）"
    )
    manual = {"group": "特色", "title": "特色亮点", "max_score": 10, "method": "manual"}
    kept = services.criterion_add(actor=personas.admin, catalogue=draft, code="X01", **manual)
    dropped = services.criterion_add(actor=personas.admin, catalogue=draft, code="X02", **manual)
    services.criterion_remove(actor=personas.admin, criterion=dropped)
    removal = entries_of(draft)[-1]
    assert (removal.action, removal.before["code"]) == ("delete", "X02") and kept.code in {"X01"}
    services.catalogue_publish(actor=personas.admin, catalogue=draft)
    publication = entries_of(draft)[-1]
    assert publication.action == "transition" and publication.after["state"] == "published"


def test_removing_a_reviewer_is_delete(walk, personas):
    application = walk("submitted")
    assignment = services.reviewer_assign(
        actor=personas.admin, application=application, reviewer=personas.reviewer
    )
    services.reviewer_unassign(actor=personas.admin, assignment=assignment)
    entry = entries_of(application)[-1]
    assert (entry.action, entry.before["reviewer_id"]) == ("delete", personas.reviewer.pk)


@pytest.fixture
def objected(walk, client):
    """A publicized application of 甲村 and an objection sent through the public API, signed out."""
    application = walk("publicized")
    response = client.post(
        "/api/v1/sites/objections",
        {"application_id": application.pk, "text": OBJECTION, "contact": CONTACT},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 201
    return application


def test_an_objection_from_the_public_keeps_no_address_in_the_log(objected):
    entry = AuditEntry.objects.get(object_type="sites.objection")
    assert (entry.action, entry.actor, entry.ip) == ("create", None, None)
    assert OBJECTION not in str(entry.after) and CONTACT not in str(entry.after)
    assert not AuditEntry.objects.filter(ip="203.0.113.9").exists()


def test_the_applicant_secretary_sees_neither_what_the_objector_wrote_nor_their_contact(
    objected, client_for, client, api_for
):
    secretary = client_for("secretary")
    pages = [
        secretary.get(reverse("sites:objection_list")),
        secretary.get(reverse("sites:application_detail", args=[objected.pk])),
        secretary.get(reverse("sites:application_detail", args=[objected.pk]) + "?tab=log"),
    ]
    for page in pages:
        assert page.status_code == 200
        body = page.content.decode()
        assert "张三" not in body and "长期关闭" not in body and CONTACT not in body and "4321" not in body
    listed = client.get("/api/v1/sites/objections", **api_for("secretary")).json()
    assert listed["count"] == 0
    history = client.get(f"/api/v1/sites/applications/{objected.pk}/history", **api_for("secretary"))
    assert history.status_code == 200 and "张三" not in history.content.decode()
    assert CONTACT not in history.content.decode()


@pytest.mark.parametrize("who", ["admin", "officer"])
def test_the_officers_above_the_applicant_see_the_objection(objected, client_for, client, api_for, who):
    assert "长期关闭" in client_for(who).get(reverse("sites:objection_list")).content.decode()
    listed = client.get("/api/v1/sites/objections", **api_for(who)).json()
    assert listed["count"] == 1 and listed["items"][0]["text"] == OBJECTION
    assert "contact" not in listed["items"][0]


def test_handling_an_objection_is_hold(objected, personas):
    objection = objected.objections.get()
    services.objection_resolve(
        actor=personas.admin, objection=objection, upheld=False, resolution="经核实不属实"
    )
    entry = entries_of(objection)[-1]
    assert (entry.action, entry.actor) == ("hold", personas.admin) and "异议不成立" in entry.summary


def test_closing_a_rectification_is_hold(walk, county, campaign, personas):
    walk("evaluated", less=1)
    walk("evaluated", org=county.village_a2)
    (rectification,) = services.bottom_rank_apply(
        actor=personas.admin, campaign=campaign, deadline=dt.date(2026, 8, 31)
    )
    services.rectification_close(actor=personas.officer, rectification=rectification, note="阵地已改造完成")
    entry = entries_of(rectification)[-1]
    assert (entry.action, entry.actor, entry.summary) == ("hold", personas.officer, "整改销号")
    assert entry.after["state"] == "closed"


def test_the_application_form_and_the_designated_list_are_exports(walk, client_for, personas, county):
    application = walk("designated")
    secretary = client_for("secretary")
    assert secretary.get(reverse("sites:application_docx", args=[application.pk])).status_code == 200
    form = entries_of(application)[-1]
    assert (form.action, form.actor, form.org) == ("export", personas.secretary, county.village_a1)
    assert "申报表" in form.summary
    admin = client_for("admin")
    before = AuditEntry.objects.count()
    response = admin.get(reverse("sites:designated_xlsx", args=[application.campaign_id]))
    assert response.status_code == 200 and AuditEntry.objects.count() == before + 1
    listing = AuditEntry.objects.latest("id")
    assert (listing.action, listing.actor, listing.org) == ("export", personas.admin, county.root)
    assert listing.after["sites"] == 1 and "党建示范点名单" in listing.summary
