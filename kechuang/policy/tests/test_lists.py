"""The generated cultivation lists, their scope and their Excel exports."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.policy import services

from .factories import M, certificate, enterprise, sme, unit_of, year

pytestmark = pytest.mark.django_db


def test_a_2019_certificate_is_on_the_2022_re_recognition_list_and_a_2020_one_is_not(personas):
    town = unit_of(personas, "town")
    due = enterprise(town, "到期企业")
    later = enterprise(town, "次年到期企业")
    certificate(due, dt.date(2019, 11, 28))
    certificate(later, dt.date(2020, 12, 1))
    names = [c.enterprise.name for c in services.rerecognition_list(personas["office"], 2022)]
    assert names == ["到期企业"]
    assert [c.enterprise.name for c in services.rerecognition_list(personas["office"], 2023)] == ["次年到期企业"]


def test_a_revoked_certificate_is_not_on_the_re_recognition_list(personas):
    certificate(enterprise(unit_of(personas, "town")), dt.date(2019, 3, 1), status="revoked")
    assert services.rerecognition_list(personas["office"], 2022) == []


def test_a_town_sees_only_its_own_enterprises_on_every_list(personas):
    mine = enterprise(unit_of(personas, "town"), "本镇企业")
    other = enterprise(unit_of(personas, "town_b"), "他镇企业")
    for ent in (mine, other):
        certificate(ent, dt.date(2019, 6, 1))
        sme(ent, 2021)
        year(ent, 2021, rd_deduction_claimed=False)
    town = personas["town"]
    assert [c.enterprise.name for c in services.rerecognition_list(town, 2022)] == ["本镇企业"]
    assert [r.enterprise.name for r in services.tech_sme_renewal_list(town, 2022)] == ["本镇企业"]
    assert [r.enterprise.name for r in services.deduction_list(town, 2021)] == ["本镇企业"]
    assert {r.enterprise.name for r in services.deduction_list(personas["office"], 2021)} == {"本镇企业", "他镇企业"}


def test_the_tech_sme_renewal_list_marks_who_has_already_re_registered(personas):
    a, b = enterprise(unit_of(personas, "town"), "甲"), enterprise(unit_of(personas, "town"), "乙")
    sme(a, 2021)
    sme(b, 2021)
    sme(b, 2022)
    rows = {r.enterprise.name: r.values["renewed"] for r in services.tech_sme_renewal_list(personas["office"], 2022)}
    assert rows == {"甲": False, "乙": True}


def test_candidates_are_ranked_by_their_gap_to_eligibility(personas):
    town = unit_of(personas, "town")
    close = enterprise(town, "差一点企业")
    far = enterprise(town, "差得远企业")
    holder = enterprise(town, "已是高企")
    for y in (2019, 2020, 2021):
        year(close, y, tech_staff=9)  # only the staff ratio fails, by 1 point
        year(far, y, tech_staff=2, hightech_revenue=10 * M, rd_expense=Decimal("0.4") * M,
             rd_domestic=Decimal("0.4") * M)
        year(holder, y)
    certificate(holder, dt.date(2021, 10, 1))
    rows = services.hnte_candidates(personas["office"], 2021)
    names = [r.enterprise.name for r in rows]
    assert "已是高企" not in names
    assert names.index("差一点企业") < names.index("差得远企业")
    close_fails = {c.code for c in rows[names.index("差一点企业")].evaluation.failing} - {"HNTE-7"}
    assert close_fails == {"HNTE-4"}


def test_the_deduction_list_holds_unclaimed_eligible_enterprises_only(personas):
    town = unit_of(personas, "town")
    unclaimed = enterprise(town, "未享受企业")
    claimed = enterprise(town, "已享受企业")
    wholesale = enterprise(town, "批发企业", industry_code="F5131")
    year(unclaimed, 2022, rd_deduction_claimed=False, rd_expense=2 * M)
    year(claimed, 2022, rd_deduction_claimed=True)
    year(wholesale, 2022, rd_deduction_claimed=False)
    rows = services.deduction_list(personas["office"], 2022)
    assert [r.enterprise.name for r in rows] == ["未享受企业"]
    assert rows[0].values["extra_deduction"] == Decimal("2000000.00")
    assert rows[0].values["tax_saved"] == Decimal("500000.00")


def test_gazelles_are_classified_from_configured_criteria(personas):
    ent = enterprise(unit_of(personas, "town"), "快速成长企业", registered_on=dt.date(2016, 1, 1))
    for y, rev in ((2018, 20), (2019, 26), (2020, 34), (2021, 45)):
        year(ent, y, revenue=rev * M)
    slow = enterprise(unit_of(personas, "town"), "平稳企业", registered_on=dt.date(2016, 1, 1))
    for y in (2018, 2019, 2020, 2021):
        year(slow, y)
    rows = services.growth_list(personas["office"], 2021)
    assert [r.enterprise.name for r in rows] == ["快速成长企业"]
    assert rows[0].values["classes"][0]["label"] == "瞪羚企业"


def test_the_export_is_a_real_workbook_scoped_and_audited(client_for, personas):
    mine = enterprise(unit_of(personas, "town"), "=HYPERLINK(\"http://x\")本镇企业")
    other = enterprise(unit_of(personas, "town_b"), "他镇企业")
    certificate(mine, dt.date(2019, 6, 1))
    certificate(other, dt.date(2019, 6, 1))
    url = reverse("policy:list_export", kwargs={"key": "rerecognition"}) + "?year=2022"
    response = client_for("town").get(url)
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.active
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert len(values) == 1
    cell = ws.cell(row=3, column=1)
    assert cell.value == "=HYPERLINK(\"http://x\")本镇企业" and cell.data_type == "s"
    assert "他镇企业" not in str(values)
    event = AuditEvent.objects.filter(action="policy.export").latest("time")
    assert event.username == "town" and event.detail["list"] == "rerecognition" and event.detail["rows"] == 1


def test_list_pages_show_only_in_scope_enterprises(client_for, personas):
    certificate(enterprise(unit_of(personas, "town"), "本镇企业"), dt.date(2019, 6, 1))
    certificate(enterprise(unit_of(personas, "town_b"), "他镇企业"), dt.date(2019, 6, 1))
    url = reverse("policy:list", kwargs={"key": "rerecognition"}) + "?year=2022"
    body = client_for("town").get(url).content.decode()
    assert "本镇企业" in body and "他镇企业" not in body
    body = client_for("leader").get(url).content.decode()
    assert "本镇企业" in body and "他镇企业" in body
    assert client_for("nobody").get(url).status_code == 404


def test_the_api_returns_an_evaluation_with_clauses(client_for, personas):
    ent = enterprise(unit_of(personas, "town"))
    for y in (2019, 2020, 2021):
        year(ent, y)
    url = reverse("api:policy_evaluation", kwargs={"enterprise_id": ent.pk}) + "?year=2021"
    data = client_for("town").get(url).json()
    rd = next(c for c in data["hnte"]["checks"] if c["code"] == "HNTE-5")
    assert rd["status"] == "pass" and "第十一条（五）" in rd["clause"]
    assert client_for("town_b").get(url).status_code == 404


def test_the_list_figures_reach_the_metrics_layer_city_wide_and_per_town(plan, personas):
    from kechuang.metrics.registry import get_metric

    certificate(enterprise(unit_of(personas, "town")), dt.date(plan.year - 3, 6, 1))
    certificate(enterprise(unit_of(personas, "town_b")), dt.date(plan.year - 3, 7, 1))
    fn = get_metric("hnte_rerecognition_due").fn
    assert fn(plan, dt.date(plan.year, 6, 30)).value == 2
    assert fn(plan, dt.date(plan.year, 6, 30), unit=unit_of(personas, "town")).value == 1


def test_the_evaluation_and_list_pages_render_with_figures(client_for, personas):
    ent = enterprise(unit_of(personas, "town"), "满数据企业", registered_on=dt.date(2016, 1, 1))
    for y, rev in ((2018, 20), (2019, 26), (2020, 34), (2021, 45)):
        year(ent, y, revenue=rev * M, rd_deduction_claimed=False)
    sme(ent, 2021)
    c = client_for("town")
    body = c.get(reverse("policy:evaluate", kwargs={"pk": ent.pk}) + "?year=2021").content.decode()
    for text in ("高新技术企业认定", "科技型中小企业评价", "研发费用加计扣除", "国科发火〔2016〕32号 第十一条（四）",
                 "需人工核实", "尚未享受"):
        assert text in body
    for key, text in (("candidates", "满数据企业"), ("deduction", "满数据企业"), ("growth", "瞪羚企业"),
                      ("sme_renewal", "满数据企业")):
        year_q = "2022" if key == "sme_renewal" else "2021"
        page = c.get(reverse("policy:list", kwargs={"key": key}) + f"?year={year_q}").content.decode()
        assert text in page, key


def test_candidates_can_be_put_in_the_pool_from_the_list_by_their_own_town(client_for, personas):
    ent = enterprise(unit_of(personas, "town"), "候选企业")
    for y in (2019, 2020, 2021):
        year(ent, y, tech_staff=5)
    url = reverse("policy:list", kwargs={"key": "candidates"}) + "?year=2021"
    assert "纳入培育库" in client_for("town").get(url).content.decode()
    assert "纳入培育库" not in client_for("leader").get(url).content.decode()
    r = client_for("town").post(reverse("policy:entry_add", kwargs={"pk": ent.pk}), {"year": "2022"})
    assert r.status_code == 302
    assert "纳入培育库" not in client_for("town").get(url).content.decode()  # already in the 2022 pool
