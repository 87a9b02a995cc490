"""Small factories for registry tests (plain functions, no fixtures)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from kechuang.registry.models import (
    Enterprise,
    EnterpriseYear,
    HighTechCertificate,
    Talent,
    TechSMERegistration,
)
from kechuang.registry.validators import make_id_number, make_uscc

_seq = itertools.count(1)


def uscc(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    return make_uscc(f"91421381MA{n:07d}"[:17])


def enterprise(name=None, town=None, **kw) -> Enterprise:
    n = next(_seq)
    kw.setdefault("uscc", uscc(n))
    return Enterprise.objects.create(name=name or f"演示企业{n:04d}有限公司", town=town, **kw)


def certificate(ent, issued_on, first=True, number=None, **kw) -> HighTechCertificate:
    return HighTechCertificate.objects.create(
        enterprise=ent,
        number=number or f"GR{issued_on.year}42{next(_seq):06d}",
        issued_on=issued_on,
        is_first_recognition=first,
        **kw,
    )


def sme(ent, year, registered_on=None) -> TechSMERegistration:
    return TechSMERegistration.objects.create(
        enterprise=ent, number=f"{year}4213810{next(_seq):05d}", year=year, registered_on=registered_on
    )


def year_row(ent, year, rd_expense, **kw) -> EnterpriseYear:
    return EnterpriseYear.objects.create(enterprise=ent, year=year, rd_expense=Decimal(rd_expense), **kw)


def id_number(n: int | None = None, birth="19900101") -> str:
    n = next(_seq) if n is None else n
    return make_id_number(f"421381{birth}{n % 1000:03d}")


def talent(name=None, employer=None, category="高端人才", introduced_on=None, number=None, phone="13812345678"):
    t = Talent(
        name=name or f"演示人才{next(_seq):03d}",
        employer=employer,
        category=category,
        introduced_on=introduced_on or dt.date(2022, 3, 1),
    )
    t.set_id_number(number or id_number())
    t.set_phone(phone)
    t.save()
    return t
