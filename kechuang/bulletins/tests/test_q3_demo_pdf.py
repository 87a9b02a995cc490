"""The Guangshui Q3 demo bulletin as a PDF (LibreOffice), read back with pdfinfo/pdftotext: the shape a
county leader reads (issue #12), and the light counts agreeing between dashboard, bulletin and API."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from kechuang.documents.pdf import docx_to_pdf, pdf_available

pytestmark = [
    pytest.mark.django_db,  # so that the test database is set up for the module fixture
    pytest.mark.skipif(not pdf_available() or not shutil.which("pdftotext"),
                       reason="LibreOffice/poppler not installed"),
]

Q3_END = dt.date(2022, 9, 30)
HEADINGS = ("一、总体情况", "二、工作亮点", "三、存在问题", "四、下步工作")


def _pages(pdf: bytes) -> tuple[int, list[list[str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "q3.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, timeout=60).stdout.decode()
        count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                              timeout=60).stdout.decode("utf-8")
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")]
    return count, pages[:count]


@pytest.fixture(scope="module")
def q3(demo_data, django_db_blocker):
    """The demo (`manage.py demo`: Q1 and Q2 issued, the Q3 draft) rendered once to PDF, plus the
    dashboard's and the API's light counts for 30 September, all read inside one transaction that is
    rolled back. Slow by nature (one LibreOffice conversion, a few seconds; the demo data set is shared with the
    other tests on it, see conftest.demo_data), so it runs once for the module."""
    from kechuang.accounts.models import Role, User
    from kechuang.bulletins import services
    from kechuang.bulletins.models import Bulletin
    from kechuang.plans.models import Plan

    with django_db_blocker.unblock(), transaction.atomic():
        plan = Plan.objects.get(code="guangshui-2022")
        bulletin = Bulletin.objects.get(plan=plan, year=2022, quarter=3)
        previous = Bulletin.objects.get(plan=plan, year=2022, quarter=2)
        assert previous.is_issued and not bulletin.is_issued and bulletin.as_of == Q3_END
        count, pages = _pages(docx_to_pdf(services.render(bulletin)))
        office = User.objects.filter(role_assignments__role=Role.OFFICE, is_active=True).order_by("pk").first()
        client = Client()
        client.force_login(office)
        from django.core.cache import cache

        cache.clear()
        response = client.get(f"/supervision/?plan={plan.code}&as_of={Q3_END.isoformat()}")
        dashboard = {"indicators": dict(response.context["counts"]), "tasks": dict(response.context["task_counts"])}
        api = {kind: Counter(row["light"] for row in client.get(
            f"/api/supervision/{plan.code}/{kind}?as_of={Q3_END.isoformat()}").json())
            for kind in ("indicators", "tasks")}
        data = {
            "pages": pages, "page_count": count, "snapshot": bulletin.snapshot, "previous": previous.snapshot,
            "issuer": services.meta_for(bulletin)["issuer"], "dashboard": dashboard, "api": api,
        }
        transaction.set_rollback(True)
    return data


def _attachment_starts(pages) -> dict[int, int]:
    """{attachment number: index of the page whose first line is "附件N"}."""
    out = {}
    for i, lines in enumerate(pages):
        match = re.fullmatch(r"附件\s*(\d)", lines[0]) if lines else None
        if match:
            out[int(match.group(1))] = i
    return out


def _flat(lines) -> str:
    return re.sub(r"\s+", "", "".join(lines))


def test_the_body_takes_at_most_four_pages_before_attachment_1(q3):
    starts = _attachment_starts(q3["pages"])
    assert 1 in starts and starts[1] <= 4, starts


def test_the_four_section_headings_come_in_order_in_the_body(q3):
    body = _flat(line for page in q3["pages"][:_attachment_starts(q3["pages"])[1]] for line in page)
    positions = [body.find(h) for h in HEADINGS]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "（草稿）" in body and "第期" not in body


def test_every_attachment_starts_on_a_new_page_in_order(q3):
    starts = _attachment_starts(q3["pages"])
    assert sorted(starts) == [1, 2, 3, 4]
    assert starts[1] < starts[2] < starts[3] < starts[4]
    titles = ("主要指标完成情况表", "单位排名情况表", "重点任务推进情况表", "督办事项清单")
    for n, title in enumerate(titles, 1):
        assert title in _flat(q3["pages"][starts[n]][:3])


def test_signature_and_date_are_on_the_same_page_after_the_attachment_list(q3):
    last_body = q3["pages"][_attachment_starts(q3["pages"])[1] - 1]
    flat = [re.sub(r"\s+", "", line) for line in last_body]
    assert "附件：1.主要指标完成情况表" in flat
    issuer_at = max(i for i, line in enumerate(flat) if line == q3["issuer"])
    assert flat[issuer_at + 1] == "2022年9月30日"
    assert issuer_at > flat.index("附件：1.主要指标完成情况表")


def test_no_page_is_nearly_empty_except_the_last_page_of_an_attachment(q3):
    starts = _attachment_starts(q3["pages"])
    last_pages = {starts[n + 1] - 1 for n in (1, 2, 3)} | {len(q3["pages"]) - 1}
    for i, lines in enumerate(q3["pages"]):
        text_lines = [line for line in lines if not re.fullmatch(r"—\s*\d+\s*—", line)]  # not the page number
        if i not in last_pages:
            assert len(text_lines) >= 3, (i + 1, text_lines)


def test_the_counts_in_zongti_qingkuang_equal_the_lights_in_attachment_1(q3):
    starts = _attachment_starts(q3["pages"])
    body = _flat(line for page in q3["pages"][:starts[1]] for line in page)
    match = re.search(r"(\d+)项主要指标中，绿灯(\d+)项（其中(\d+)项达到或超过序时进度）、"
                      r"黄灯(\d+)项、红灯(\d+)项", body)
    assert match, body[:400]
    total, green, on_schedule, yellow, red = map(int, match.groups())
    table = _flat(line for page in q3["pages"][starts[1]:starts[2]] for line in page)
    assert (green, yellow, red) == (table.count("绿灯"), table.count("黄灯"), table.count("红灯"))
    assert total == len(q3["snapshot"]["indicators"])
    # "达到或超过序时进度" means at or ahead: 70 % against 75 % is green but not counted.
    ahead = [r for r in q3["snapshot"]["indicators"] if r["light"] == "green" and Decimal(r["gap_points"]) >= 0]
    assert on_schedule == len(ahead) < green


def test_rank_changes_equal_the_ranks_of_the_previous_issued_bulletin_computed_by_hand(q3):
    def group_ranks(rows):
        ranks = {}
        for row in rows:
            same = [r for r in rows if r["group"] == row["group"]]
            ranks[row["unit_id"]] = 1 + sum(1 for r in same if Decimal(r["score"]) > Decimal(row["score"]))
        return ranks

    before, now = group_ranks(q3["previous"]["rankings"]), group_ranks(q3["snapshot"]["rankings"])
    expected = {r["unit"]: before[r["unit_id"]] - now[r["unit_id"]] for r in q3["snapshot"]["rankings"]}
    assert any(expected.values())
    starts = _attachment_starts(q3["pages"])
    seen = {}
    row = re.compile(r"^(\d+)\s+(\S+)\s+\d+/\d+/\d+\s.*\s(持平|↑\d+|↓\d+)\s+(蓝牌|黄牌|红牌|—)$")
    for line in (line for page in q3["pages"][starts[2]:starts[3]] for line in page):
        match = row.match(line)
        if match:
            rank, shown, change, _card = match.groups()
            unit = next(u for u in expected if u.startswith(shown))  # a long name may wrap in its cell
            seen[unit] = 0 if change == "持平" else int(change[1:]) * (1 if change[0] == "↑" else -1)
            assert int(rank) == now[next(r["unit_id"] for r in q3["snapshot"]["rankings"] if r["unit"] == unit)]
    assert seen == expected


def test_the_q3_demo_lights_are_a_realistic_mix(q3):
    lights = [r["light"] for r in q3["snapshot"]["indicators"]] + [t["light"] for t in q3["snapshot"]["tasks"]]
    counts = Counter(lights)
    assert counts["green"] * 2 >= len(lights), counts
    assert counts["red"] >= 1 and counts["yellow"] >= 1, counts


def test_red_yellow_green_counts_agree_between_dashboard_bulletin_and_api(q3):
    starts = _attachment_starts(q3["pages"])
    body = _flat(line for page in q3["pages"][:starts[1]] for line in page)
    indicators = re.search(r"主要指标中，绿灯(\d+)项（其中\d+项达到或超过序时进度）、黄灯(\d+)项、红灯(\d+)项", body)
    tasks = re.search(r"项重点任务中，绿灯(\d+)项、黄灯(\d+)项、红灯(\d+)项", body)
    printed = {"indicators": tuple(map(int, indicators.groups())), "tasks": tuple(map(int, tasks.groups()))}
    for kind in ("indicators", "tasks"):
        snap = q3["snapshot"]["counts" if kind == "indicators" else "task_counts"]
        dashboard = q3["dashboard"][kind]
        api = q3["api"][kind]
        as_tuple = lambda c: tuple(c.get(light, 0) for light in ("green", "yellow", "red"))  # noqa: E731
        assert as_tuple(dashboard) == as_tuple(api) == as_tuple(snap) == printed[kind], kind
