"""What the load test (locustfile.py) and the cross-node checks (scale_check.py) share; no locust import here
(locust monkey-patches the standard library when imported)."""

from __future__ import annotations

import io
import re

import openpyxl

from kechuang.registry.validators import synthetic_uscc

IMPORT_REGION = "429998"  # the benchmark registry uses 429999; load-test imports have their own codes
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def enterprise_xlsx(first: int, rows: int, town: str) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append(["统一社会信用代码", "企业名称", "所在镇办/开发区", "行业代码", "所属行业", "规上企业", "工业企业",
               "成立日期", "地址", "联系人", "存续"])
    for n in range(first, first + rows):
        ws.append([synthetic_uscc(n, region=IMPORT_REGION), f"压测导入企业{n:06d}有限公司", town, "C34",
                   "通用设备制造业", "否", "是", "2015-03-05", "", "", "是"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
