"""The shipped catalogues (data files) and `dangjian load_catalogues`: valid, faithful to the seeds, idempotent."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangjian.core.models import AuditEntry
from dangjian.sites import catalogues as data
from dangjian.sites import services
from dangjian.sites.metrics import METRICS
from dangjian.sites.models import Catalogue, CatalogueState, Criterion

FILES = data.data_files()


def test_the_app_ships_a_catalogue_per_seed_domain_and_a_general_one():
    assert {p.name for p in FILES} >= {"rural.json", "organ.json", "community.json", "general.json"}
    assert {data.read(p)["domain"] for p in FILES} >= {"rural", "organ", "community", "all"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_data_file_is_valid_and_every_criterion_has_code_weight_and_method(path):
    content = data.read(path)
    assert data.problems_of(content) == []
    codes = [c["code"] for c in content["criteria"]]
    assert len(codes) == len(set(codes))
    for criterion in content["criteria"]:
        assert criterion["code"] and criterion["group"] and criterion["title"]
        assert Decimal(str(criterion["max_score"])) > 0
        assert criterion["method"] in ("auto", "manual")
        assert criterion["source"], criterion["code"]
        if criterion["method"] == "auto":
            assert criterion["metric"] in METRICS
    assert sum(Decimal(str(c["max_score"])) for c in content["criteria"]) == 100


def test_the_village_catalogue_has_the_eight_haves_and_the_120_square_metres():
    content = data.read(data.DATA_DIR / "rural.json")
    area = next(c for c in content["criteria"] if c.get("metric") == "site_area")
    assert area["threshold"] == 120 and area["method"] == "auto"
    eight = [c["title"] for c in content["criteria"] if c["title"].startswith("“八有”")]
    assert len(eight) == 8
    for item in (
        "有标准场所",
        "有规范标识",
        "有党员活动室",
        "有便民服务中心",
        "有综合办公室",
        "有农家书屋",
        "有室外活动场地或健身广场",
        "有公开栏",
    ):
        assert any(item in title for title in eight), item


def test_the_organ_catalogue_has_the_six_haves_learning_five_types_and_five_goods():
    content = data.read(data.DATA_DIR / "organ.json")
    six = [c for c in content["criteria"] if c["title"].startswith("“六有”")]
    assert len(six) == 6
    groups = {c["group"] for c in content["criteria"]}
    assert {"学习型党组织", "“五型”党组织", "“五好”党组织", "组织生活严肃规范"} <= groups
    titles = {c["title"] for c in content["criteria"]}
    assert {"服务型党组织", "创新型党组织", "效能型党组织", "廉洁型党组织"} <= titles
    assert {"领导班子好", "工作机制好", "党员队伍好", "群众反映好", "工作业绩好"} <= titles


def test_the_five_goods_ask_ninety_percent_satisfaction_through_the_survey_metric():
    for path in FILES:
        content = data.read(path)
        masses = [c for c in content["criteria"] if c["title"] == "群众反映好"]
        assert len(masses) == 1, path.name
        assert masses[0]["method"] == "auto" and masses[0]["metric"] == "satisfaction_rate"
        assert "90%" in masses[0]["description"]


@pytest.mark.django_db
def test_loading_twice_creates_nothing_new():
    first = services.catalogue_load(year=2026)
    assert all(created for _c, created in first)
    count = Criterion.objects.count()
    second = services.catalogue_load(year=2026)
    assert not any(created for _c, created in second)
    assert Catalogue.objects.count() == len(FILES) and Criterion.objects.count() == count
    assert {c.pk for c, _ in first} == {c.pk for c, _ in second}
    assert all(c.state == CatalogueState.PUBLISHED and c.version == 1 for c, _ in first)


@pytest.mark.django_db
def test_loaded_catalogue_matches_its_file():
    catalogue = next(c for c, _ in services.catalogue_load(year=2026) if c.domain == "rural")
    content = data.read(data.DATA_DIR / "rural.json")
    assert catalogue.criteria.count() == len(content["criteria"])
    area = catalogue.criteria.get(metric="site_area")
    assert area.threshold == Decimal("120") and area.max_score == Decimal("4")
    assert list(catalogue.criteria.values_list("code", flat=True))[:2] == ["A01", "A02"]


@pytest.mark.django_db
def test_a_changed_file_becomes_the_next_version_and_other_years_are_separate(tmp_path):
    content = data.read(data.DATA_DIR / "rural.json")
    path = tmp_path / "rural.json"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    ((first, created),) = services.catalogue_load(year=2026, paths=[path])
    assert created and first.version == 1
    content["criteria"][0]["max_score"] = 5
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    ((second, created),) = services.catalogue_load(year=2026, paths=[path])
    assert created and second.version == 2
    first.refresh_from_db()
    assert first.criteria.get(code="A01").max_score == Decimal("4")  # the published version is untouched
    ((other, created),) = services.catalogue_load(year=2027, paths=[path])
    assert created and other.version == 1 and other.year == 2027


@pytest.mark.django_db
def test_an_invalid_file_loads_nothing(tmp_path):
    good = tmp_path / "a.json"
    good.write_text((data.DATA_DIR / "organ.json").read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "b.json"
    content = data.read(data.DATA_DIR / "rural.json")
    content["criteria"][0]["metric"] = "no_such_metric"
    content["criteria"][1]["max_score"] = 0
    bad.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(data.CatalogueDataError) as error:
        services.catalogue_load(year=2026, paths=[good, bad])
    assert len(error.value.problems) == 2
    assert Catalogue.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"domain": "moon"}, "domain"),
        ({"criteria": []}, "criteria"),
        (
            {"criteria": [{"code": "X", "group": "g", "title": "t", "max_score": 1, "method": "magic"}]},
            "method",
        ),
        (
            {"criteria": [{"code": "X", "group": "g", "title": "t", "max_score": "x", "method": "manual"}]},
            "max_score",
        ),
        (
            {"criteria": [{"code": "X", "group": "g", "title": "t", "max_score": 1, "method": "manual"}] * 2},
            "repeated",
        ),
        (
            {"criteria": [{"code": "", "group": "g", "title": "t", "max_score": 1, "method": "manual"}]},
            "code",
        ),
    ],
)
def test_problems_name_what_is_wrong(change, problem):
    content = {
        "domain": "rural",
        "title": "t",
        "criteria": [{"code": "A", "group": "g", "title": "t", "max_score": 1, "method": "manual"}],
    }
    content.update(change)
    assert any(problem in p for p in data.problems_of(content))


@pytest.mark.django_db
def test_the_command_loads_and_reports_and_is_idempotent():
    out = StringIO()
    call_command("load_catalogues", "--year", "2026", stdout=out)
    assert "新增 4 个" in out.getvalue() or f"新增 {len(FILES)} 个" in out.getvalue()
    audited = AuditEntry.objects.filter(object_type="sites.catalogue").count()
    assert audited == len(FILES)
    out = StringIO()
    call_command("load_catalogues", "--year", "2026", stdout=out)
    assert f"新增 0 个，未变化 {len(FILES)} 个" in out.getvalue()
    assert AuditEntry.objects.filter(object_type="sites.catalogue").count() == audited


@pytest.mark.django_db
def test_the_command_refuses_a_bad_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="创建标准数据有误"):
        call_command("load_catalogues", "--year", "2026", "--file", str(bad))
    assert Catalogue.objects.count() == 0
