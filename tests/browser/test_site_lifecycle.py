"""One demonstration-site application from submission to plaque in a real browser (Debian's Chromium through
Playwright): the branch secretary applies with a creation plan and a self-evaluation and submits; the
township officer recommends; the admin assigns a reviewer and hands out survey codes, which two members of
the public answer on the public survey page; the reviewer scores; the admin evaluates and publicizes; when the
notice period is over (the clock moved on) the admin designates and the plaque number shows on the page.

The services take "today" from the clock, so the test travels to a day in the campaign's 组织实施 phase and
later past the notice (time-machine moves the live server's clock too). Screenshots go to /tmp/.
"""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.browser.signin import sign_in

SHOTS = Path("/tmp")
SHANGHAI = ZoneInfo("Asia/Shanghai")
APPLY_ON = dt.datetime(2026, 4, 15, 9, tzinfo=SHANGHAI)  # a Wednesday of the 组织实施 phase
AFTER_NOTICE = dt.datetime(2026, 4, 22, 9, tzinfo=SHANGHAI)  # five working days from the 15th end on the 21st


def fill_scores(page) -> int:
    """Full marks in every score field of the form (each field carries its criterion's maximum)."""
    fields = page.locator("input[name^='score_']")
    for index in range(fields.count()):
        field = fields.nth(index)
        field.fill(field.get_attribute("max"))
    return fields.count()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"dangjian-site-{name}.png"), full_page=True)


@pytest.fixture
def campaign(county, personas):
    """The 2026 catalogues and campaign (opened by the admin through the services on the day of applying);
    two survey answers are enough to evaluate, so the public answers two codes."""
    from dangjian.sites import services

    with time_machine.travel(APPLY_ON, tick=False):
        services.catalogue_load(year=2026)
        return services.campaign_open(actor=personas.admin, year=2026, survey_min_answers=2)


@pytest.mark.django_db(transaction=True)
def test_an_application_goes_from_submission_to_plaque(live_server, county, personas, campaign, browser):
    from playwright.sync_api import expect

    from dangjian.sites.models import Application, Site

    base = live_server.url
    with time_machine.travel(APPLY_ON, tick=True) as clock:
        # 1. The branch secretary applies: the creation plan (方案一 三(二)), then the self-evaluation.
        secretary = browser.open()
        sign_in(secretary, base, "zhibu", "/sites/applications/new/")
        expect(secretary.get_by_role("heading", name="申报示范点")).to_be_visible()
        secretary.get_by_label("创建目标").fill("建成阵地规范、组织生活严格、群众满意的农村党建示范点")
        secretary.get_by_label("创建内容").fill("党群服务中心改造，“三会一课”规范化，党员联系户")
        secretary.get_by_label("进度安排").fill("4 月改造阵地，5 月制度上墙，6 月上旬自评申报")
        secretary.get_by_label("工作措施").fill("书记抓、抓书记，党员包片联户")
        secretary.get_by_label("责任人").fill("王建国")
        secretary.get_by_label("活动场所面积（㎡）").fill("150")
        secretary.get_by_role("button", name="建立申报草稿").click()
        expect(secretary.get_by_text("已建立 甲村党支部 的申报草稿")).to_be_visible()
        application = Application.objects.get(org=county.village_a1, campaign=campaign)
        detail = f"{base}/sites/applications/{application.pk}/"
        expect(secretary.get_by_role("heading", name="甲村党支部")).to_be_visible()

        secretary.get_by_role("link", name="基层自评").click()
        secretary.get_by_role("link", name="填写自评").click()
        scored = fill_scores(secretary)
        assert scored > 10
        secretary.get_by_role("button", name="保存自评").click()
        expect(secretary.get_by_text(f"已保存自评分 {scored} 项，自评已完成")).to_be_visible()
        shot(secretary, "1-self-evaluation")
        secretary.get_by_role("button", name="提交申报").click()
        expect(secretary.get_by_text("已提交申报")).to_be_visible()
        expect(secretary.locator(".state-line [aria-current='step']")).to_contain_text("已申报")

        # 2. The township committee pre-reviews and recommends it (方案三: 好中选优).
        officer = browser.open()
        sign_in(officer, base, "xiangzhen", f"/sites/applications/{application.pk}/")
        officer.get_by_role("button", name="推荐上报").click()
        expect(officer.get_by_text("已推荐上报")).to_be_visible()

        # 3. The admin assigns the reviewer and hands out two survey codes.
        admin = browser.open()
        sign_in(admin, base, "admin", f"/sites/applications/{application.pk}/?tab=review")
        admin.get_by_label("安排评审人员").select_option(label="pingshen（评审组/督查组成员，旌德县委）")
        admin.get_by_role("button", name="安排", exact=True).click()
        expect(admin.get_by_text("已安排 pingshen 评审")).to_be_visible()
        admin.goto(detail + "?tab=survey")
        admin.get_by_label("生成测评码（个）").fill("2")
        admin.get_by_role("button", name="生成并显示测评码").click()
        expect(admin.get_by_role("heading", name="甲村党支部 群众测评码")).to_be_visible()
        codes = admin.locator(".codes-list li").all_inner_texts()
        assert len(codes) == 2 and all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", c.strip()) for c in codes)
        shot(admin, "2-survey-codes")

        # 4. Two members of the public answer on the public survey page, without an account.
        for index, code in enumerate(codes):
            public = browser.open()
            if index == 0:
                public.goto(base + "/public/survey/")
                public.get_by_label("请输入测评单上的测评码").fill(code.strip().lower())  # as people type it
                public.get_by_role("button", name="开始测评").click()
            else:
                public.goto(f"{base}/public/survey/{code.strip()}/")
            expect(public.get_by_text("甲村党支部")).to_be_visible()
            public.get_by_role("group", name=re.compile("总体评价")).get_by_label("满意", exact=True).check()
            for question in ("办实事", "党务公开", "工作作风"):
                public.get_by_role("group", name=re.compile(question)).get_by_label("好", exact=True).check()
            if index == 0:
                shot(public, "3-public-survey")
            public.get_by_role("button", name="提交测评").click()
            expect(public.get_by_text("提交成功，感谢您的参与")).to_be_visible()

        # 5. The reviewer scores every manual criterion (方案一 三(三): 查阅资料、现场验收、座谈走访).
        reviewer = browser.open()
        sign_in(reviewer, base, "pingshen", "/sites/review/")
        reviewer.get_by_role("row", name=re.compile("甲村党支部")).get_by_role(
            "link", name="评分", exact=True
        ).click()
        expect(reviewer.get_by_role("heading", name="评分：甲村党支部")).to_be_visible()
        reviewer.locator("select[name^='method_']").first.select_option(label="现场验收")
        marked = fill_scores(reviewer)
        reviewer.get_by_role("button", name="保存评分").click()
        expect(reviewer.get_by_text(f"已保存评分 {marked} 项")).to_be_visible()
        expect(reviewer.get_by_text("全部条目已评分")).to_be_visible()

        # 6. The admin fixes the evaluation result and publicizes it.
        admin.goto(detail)
        admin.get_by_role("button", name="确定考评结果").click()
        expect(admin.get_by_text("已确定考评结果")).to_be_visible()
        expect(admin.locator(".org-facts")).to_contain_text("综合得分")
        admin.get_by_role("link", name="公示", exact=True).click()
        admin.get_by_role("button", name="公示", exact=True).click()
        expect(admin.get_by_text("已公示：2026-04-15 至 2026-04-21")).to_be_visible()
        expect(admin.get_by_text("公示期 2026-04-15 至 2026-04-21")).to_be_visible()
        shot(admin, "4-publicized")
        # Not before the notice is over: the page says why and nothing changes.
        admin.get_by_role("button", name="授牌").click()
        expect(admin.get_by_text("期满后才能授牌")).to_be_visible()
        assert not Site.objects.exists()

        # 7. A week later the notice period is over: the admin designates, the plaque number is issued.
        clock.move_to(AFTER_NOTICE)
        admin = browser.open()  # yesterday's sessions have expired
        sign_in(admin, base, "admin", f"/sites/applications/{application.pk}/")
        admin.get_by_role("button", name="授牌").click()
        plaque = "示范点〔2026〕县级第001号"
        expect(admin.get_by_text(f"已授牌，牌匾编号 {plaque}")).to_be_visible()
        expect(admin.locator(".org-facts")).to_contain_text(f"牌匾编号 {plaque}")
        expect(admin.locator(".state-line [aria-current='step']")).to_contain_text("已授牌")
        shot(admin, "5-designated")

        # The secretary sees the plaque on the branch's application too.
        secretary = browser.open()
        sign_in(secretary, base, "zhibu", f"/sites/applications/{application.pk}/")
        expect(secretary.locator(".org-facts")).to_contain_text(plaque)

    site = Site.objects.get()
    assert (site.plaque_no, site.org_id, site.designated_on) == (
        plaque,
        county.village_a1.pk,
        AFTER_NOTICE.date(),
    )
    # The refused designation answered 409 on purpose; nothing else went wrong in any page.
    assert [p for p in browser.problems if not p.startswith("409")] == []
