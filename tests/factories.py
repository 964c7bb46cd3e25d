"""Factories for test data. Members get valid ID numbers built from their birth date and gender."""

import datetime as dt
import itertools

import factory

from dangjian.core import idnumber, tree
from dangjian.core.crypto import lookup_hash
from dangjian.members.models import Category, Member
from dangjian.members.strokes import name_key
from dangjian.orgs.models import LeadershipPosition, Organization

_codes = itertools.count(1)
_sequence = itertools.count(1)


def make_org(
    *, name: str, kind: str, domain: str, parent: Organization | None = None, **extra
) -> Organization:
    org = Organization.objects.create(
        name=name,
        code=extra.pop("code", f"T{next(_codes):06d}"),
        kind=kind,
        domain=domain,
        parent=parent,
        path="",
        depth=(parent.depth + 1) if parent else 0,
        **extra,
    )
    org.path = tree.child_path(parent.path if parent else "", org.pk)
    org.save(update_fields=["path"])
    return org


def make_member(
    org: Organization,
    *,
    name: str = "张伟",
    category: str = Category.FULL,
    gender: str = "male",
    birth: dt.date = dt.date(1980, 5, 17),
    status: str = "active",
    **extra,
) -> Member:
    seq = next(_sequence) % 500 * 2 + (1 if gender == "male" else 0)
    number = idnumber.build("341825", birth, seq)
    return Member.objects.create(
        name=name,
        name_key=name_key(name),
        gender=gender,
        id_number=number,
        id_hash=lookup_hash(number),
        birth_date=birth,
        org=org,
        org_path=org.path,
        category=category,
        joined_on=extra.pop("joined_on", dt.date(2005, 7, 1)),
        status=status,
        phone=extra.pop("phone", "13812345678"),
        **extra,
    )


def make_members(org: Organization, full: int = 0, probationary: int = 0) -> list[Member]:
    return [make_member(org, name=f"党员{i}") for i in range(full)] + [
        make_member(org, name=f"预备{i}", category=Category.PROBATIONARY) for i in range(probationary)
    ]


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadershipPosition

    post = "secretary"
    person_name = factory.Sequence(lambda n: f"干部{n}")
    started_on = dt.date(2024, 1, 1)
