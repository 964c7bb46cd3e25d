"""Helpers of the member-development tests: walk a case through its steps with the clock moved along.

`Flow(county, personas, traveller)` records each step as the persona who would take it, on its own date
(the clock is moved there first, since no step may be dated in the future). `Flow.to(case, n)` follows
the standard timetable below up to step n. Votes go through organizational life's real `vote_record`.
"""

import datetime as dt
import zoneinfo

from dangjian.core import idnumber
from dangjian.members.models import Member
from dangjian.orglife import services as orglife_services
from dangjian.recruitment import rules, services
from dangjian.recruitment.models import DevelopmentCase

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# The standard timetable (2024–2026): every step in time, nothing late.
D = dt.date
TIMETABLE = {
    1: D(2024, 1, 8),
    2: D(2024, 1, 20),
    3: D(2024, 3, 1),
    4: D(2024, 3, 5),
    5: D(2024, 3, 5),
    6: D(2024, 9, 1),
    7: D(2025, 3, 1),
    8: D(2025, 3, 5),
    9: D(2025, 3, 5),
    10: D(2025, 4, 1),
    11: D(2025, 4, 10),
    12: D(2025, 5, 6),
    13: D(2025, 5, 12),  # a Monday: five working days of notice end on Friday 16 May
    14: D(2025, 5, 19),
    15: D(2025, 5, 20),
    16: D(2025, 6, 1),
    17: D(2025, 6, 15),
    18: D(2025, 6, 20),
    19: D(2025, 6, 20),
    20: D(2025, 7, 1),
    21: D(2025, 12, 1),
    22: D(2026, 5, 6),
    23: D(2026, 5, 20),  # probation ends on 20 May 2026
    24: D(2026, 6, 10),
    25: D(2026, 6, 20),
}
COMMITTEE_STEPS = rules.COMMITTEE_STEPS
BIRTH = D(1998, 4, 2)


def id_for(birth: dt.date, sequence: int = 7) -> str:
    return idnumber.build("341825", birth, sequence)


class Flow:
    def __init__(self, county, personas, traveller):
        self.county, self.personas, self.traveller = county, personas, traveller
        self._seq = 11

    def at(self, day: dt.date) -> None:
        self.traveller.move_to(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI))

    def actor_for(self, step: int, org=None):
        """The branch secretary for 甲村's own steps; the township officer for committee steps and the other
        branches of township A; the county admin elsewhere."""
        org = org or self.county.village_a1
        if not org.path.startswith(self.county.town_a.path):
            return self.personas.admin
        if step in COMMITTEE_STEPS or org != self.county.village_a1:
            return self.personas.officer
        return self.personas.secretary

    def new_case(self, *, applied_on: dt.date = TIMETABLE[1], birth=BIRTH, org=None, **extra):
        self.at(max(applied_on, TIMETABLE[1]))
        self._seq += 2
        org = org or self.county.village_a1
        return services.case_create(
            actor=self.actor_for(1, org),
            org=org,
            person_name=extra.pop("person_name", "张小明"),
            id_number=extra.pop("id_number", id_for(birth, self._seq)),
            applied_on=applied_on,
            **extra,
        )

    def voters(self, org=None) -> list[Member]:
        org = org or self.county.village_a1
        return list(Member.objects.filter(org=org, category="full", status="active").order_by("id"))

    def assembly(self, on: dt.date, *, present: int | None = None, org=None):
        """A held 党员大会 of the branch on `on`; the first `present` full members present, the rest absent."""
        voters = self.voters(org)
        present = len(voters) if present is None else present
        attendees = [
            {"member_id": m.pk, "attendance": "present" if i < present else "absent"}
            for i, m in enumerate(voters)
        ]
        self.at(on)
        org = org or self.county.village_a1
        return orglife_services.meeting_create(
            actor=self.actor_for(15, org),
            org=org,
            kind="assembly",
            held_on=on,
            topic="讨论发展党员",
            attendees=attendees,
        )

    def details_for(self, step: int, case: DevelopmentCase, on: dt.date) -> dict:
        voters = self.voters()
        if step == 2:
            return {"talker_name": "王书记"}
        if step == 5:
            return {"mentors": voters[:2]}
        if step in (6, 21):
            return {"notes": "表现良好"}
        if step == 9:
            return {"sponsors": voters[:2]}
        if step == 10:
            return {"conclusion": "政治审查合格", "passed": True}
        if step == 11:
            return {"days": 3}
        if step == 13:
            return {"notice_starts_on": on}
        if step in (15, 23):
            meeting = self.assembly(on)
            figures = {"meeting": meeting, "yes": len(self.voters())}
            if step == 23:
                figures["outcome"] = rules.CONFIRM
            return figures
        if step == 16:
            return {"submitted_on": TIMETABLE[15] + dt.timedelta(days=3), "interviewer_name": "组织员李明"}
        return {}

    def step(self, case, step: int, on: dt.date | None = None, *, actor=None, **details):
        on = on or TIMETABLE[step]
        if not details:
            details = self.details_for(step, case, on)
        self.at(on)
        return services.step_record(
            actor=actor or self.actor_for(step, case.org), case=case, step=step, date=on, **details
        )

    def to(self, case, last: int):
        """Record steps 2..last on the standard timetable."""
        for number in range(2, last + 1):
            case = self.step(case, number)
        return DevelopmentCase.objects.get(pk=case.pk)
