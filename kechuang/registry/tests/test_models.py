import datetime as dt

import pytest
from django.db import connection

from kechuang.registry.models import Enterprise, HighTechCertificate, Talent
from kechuang.registry.validators import make_id_number, make_uscc

pytestmark = pytest.mark.django_db


def test_enterprise_save_fills_pinyin_initials():
    ent = Enterprise.objects.create(uscc=make_uscc("91421381MA4F00001"), name="演示华中机械有限公司")
    assert ent.initials.startswith("yshzjx")


def test_certificate_expires_three_years_after_issue():
    ent = Enterprise.objects.create(uscc=make_uscc("91421381MA4F00002"), name="演示甲")
    cert = HighTechCertificate.objects.create(enterprise=ent, number="GR201942000001", issued_on=dt.date(2019, 11, 28))
    assert cert.expires_on == dt.date(2022, 11, 28)


def test_no_plaintext_id_number_is_stored_in_the_database():
    number = make_id_number("42138119900101123")
    talent = Talent(name="演示人才001", category="高端人才")
    talent.set_id_number(number)
    talent.set_phone("13812345678")
    talent.save()
    assert Talent.objects.get(pk=talent.pk).id_number == number
    with connection.cursor() as cursor:
        for table in ("registry_talent", "registry_historicaltalent"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            dump = repr(cursor.fetchall())
            assert number not in dump and "13812345678" not in dump
