"""The registry import on django-import-export: one generated resource per registry, read with python-calamine."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from import_export.resources import ModelResource

from kechuang.registry.config import REGISTRIES, get_registry
from kechuang.registry.importing import columns_for, resource_for, run_import
from kechuang.registry.models import Enterprise, EnterpriseYear
from kechuang.registry.tests import factories as f
from kechuang.registry.tests import xlsx

pytestmark = pytest.mark.django_db


def test_every_registry_has_a_resource_keyed_by_its_natural_key_with_one_field_per_template_column():
    for key, cfg in REGISTRIES.items():
        resource = resource_for(cfg)
        assert issubclass(resource, ModelResource), key
        assert resource._meta.import_id_fields == list(cfg.natural_key), key
        columns = columns_for(cfg)
        assert list(resource._meta.import_order) == [c.name for c in columns], key
        assert [resource.fields[c.name].column_name for c in columns] == [c.header for c in columns], key
        assert len(resource.fields) == len(columns), key
        assert resource_for(get_registry(key)) is resource  # generated once


def test_real_date_and_number_cells_and_a_cached_formula_result_import(plan, personas):
    ent = f.enterprise()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业年度数据"
    ws.append(["企业（统一社会信用代码）", "年度", "营业收入（元）", "职工人数"])
    ws.append([ent.uscc, 2022, 1_234_567.5, 20])
    buf = io.BytesIO()
    wb.save(buf)
    result = run_import("enterprise-years", buf.getvalue(), personas["office"], commit=True)
    assert result.ok, [str(e) for e in result.errors]
    row = EnterpriseYear.objects.get(enterprise=ent, year=2022)
    assert (row.revenue, row.employees) == (Decimal("1234567.50"), 20)

    people = openpyxl.Workbook()
    sheet = people.active
    sheet.title = "企业"
    sheet.append(xlsx.ENTERPRISE_HEADERS)
    sheet.append(xlsx.enterprise_row(f.uscc(), "日期单元格企业", registered_on=dt.datetime(2015, 3, 5)))
    sheet["H2"].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    people.save(out)
    result = run_import("enterprises", out.getvalue(), personas["office"], commit=True)
    assert result.ok, [str(e) for e in result.errors]
    assert Enterprise.objects.get(name="日期单元格企业").registered_on == dt.date(2015, 3, 5)


def test_the_dry_run_is_the_preview_and_writes_nothing_not_even_history(plan, personas):
    data = xlsx.workbook_bytes([xlsx.enterprise_row(f.uscc(), "预览企业")])
    result = run_import("enterprises", data, personas["office"], commit=False)
    assert result.ok and result.created == 1 and not result.committed
    assert result.preview[0]["action"] == "新增" and result.preview[0]["row"] == 2
    assert not Enterprise.objects.filter(name="预览企业").exists()
    assert Enterprise.history.filter(name="预览企业").count() == 0


def test_data_starting_below_an_empty_first_row_is_refused_as_a_misplaced_header(plan, personas):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业"
    ws.append([])
    ws.append(xlsx.ENTERPRISE_HEADERS)
    ws.append(xlsx.enterprise_row(f.uscc(), "下移表头企业"))
    buf = io.BytesIO()
    wb.save(buf)
    result = run_import("enterprises", buf.getvalue(), personas["office"], commit=True)
    assert not result.ok and "第1行应为表头" in result.errors[0].reason
