"""The matching index is built by the task worker, stored with its data version, loaded lazily by web processes;
a registry change makes it stale and enqueues one rebuild, and results lag by that one job."""

import pytest
from django.core.files.storage import default_storage
from django_q.models import OrmQ

from kechuang.core.jobs import recover_interrupted
from kechuang.core.models import SystemFlag
from kechuang.matching import engine, jobs
from kechuang.registry.models import Achievement

pytestmark = pytest.mark.django_db

QUERY = ["锂电池", "隔膜"]


@pytest.fixture
def queued(monkeypatch):
    """Tasks go to the database queue, as with a running worker (the test settings otherwise run them inline)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(engine, "_LOADED", {})


def _ach(title, keywords):
    return Achievement.objects.create(title=title, institution="某大学", keywords=keywords, field="新能源")


def _rebuilds_queued():
    return sum(1 for q in OrmQ.objects.all() if q.func() == "kechuang.matching.jobs.rebuild")


def test_a_new_record_is_found_after_the_rebuild_job_not_before(queued):
    first = _ach("锂电池隔膜涂覆技术", "锂电池 隔膜")
    name = jobs.rebuild("achievement")  # what the worker does
    assert default_storage.exists(name) and SystemFlag.get("matching.index.achievement") == name
    assert [h.pk for h in engine.index_for("achievement").search(QUERY)] == [first.pk]

    second = _ach("锂电池隔膜陶瓷涂层", "锂电池 隔膜 涂层")
    # Stale: the web process answers from the stored index and asks for one rebuild, however often it is asked.
    assert [h.pk for h in engine.index_for("achievement").search(QUERY)] == [first.pk]
    engine.index_for("achievement")
    assert _rebuilds_queued() == 1

    new_name = jobs.rebuild("achievement")
    assert new_name != name and not default_storage.exists(name)
    assert {h.pk for h in engine.index_for("achievement").search(QUERY)} == {first.pk, second.pk}


def test_another_web_process_loads_the_stored_index_without_building_it(queued, monkeypatch):
    _ach("锂电池隔膜涂覆技术", "锂电池 隔膜")
    name = jobs.rebuild("achievement")
    engine._LOADED.clear()  # a fresh process
    monkeypatch.setattr(engine, "build_index", lambda *a, **k: pytest.fail("a web process must not build"))
    assert len(engine.index_for("achievement").search(QUERY)) == 1
    assert engine._LOADED["achievement"][0] == name and _rebuilds_queued() == 0


def test_a_rebuild_reuses_the_tokens_of_unchanged_rows(queued, monkeypatch):
    rows = [_ach(f"锂电池隔膜成果{i}", "锂电池 隔膜") for i in range(5)]
    jobs.rebuild("achievement")
    tokenised = []
    real = engine.weighted_tokens
    monkeypatch.setattr(engine, "weighted_tokens", lambda doc: tokenised.append(doc.pk) or real(doc))
    rows[2].title = "茶叶加工成果"
    rows[2].save()
    jobs.rebuild("achievement")
    assert tokenised == [rows[2].pk]


def test_with_no_index_stored_yet_a_search_answers_empty_and_queues_the_first_build(queued):
    _ach("锂电池隔膜涂覆技术", "锂电池 隔膜")
    assert engine.index_for("achievement").search(QUERY) == []
    assert _rebuilds_queued() == 1


def test_a_rebuild_lost_with_a_killed_worker_is_asked_again_when_a_worker_starts(queued):
    _ach("锂电池隔膜涂覆技术", "锂电池 隔膜")
    engine.index_for("achievement")
    OrmQ.objects.all().delete()  # the worker holding the queued rebuild was killed
    engine.index_for("achievement")
    assert _rebuilds_queued() == 0  # still counted as asked for

    recover_interrupted()  # what a starting worker process runs

    assert [h for h in engine.index_for("achievement").search(QUERY)] == []
    assert _rebuilds_queued() == 1


def test_an_index_stored_in_an_older_layout_is_rebuilt_not_used(queued):
    first = _ach("锂电池隔膜涂覆技术", "锂电池 隔膜")
    old = engine.build_index("achievement")
    del old.format  # as written before the stored layout had a format number
    name = engine.save_index(old, "matching/achievement-old.pkl")
    SystemFlag.set("matching.index.achievement", name)

    assert engine.load_index(name) is None
    assert engine.index_for("achievement").search(QUERY) == []  # not answered from the old file
    assert _rebuilds_queued() == 1

    new_name = jobs.rebuild("achievement")
    assert new_name != name and not default_storage.exists(name)
    assert [h.pk for h in engine.index_for("achievement").search(QUERY)] == [first.pk]
