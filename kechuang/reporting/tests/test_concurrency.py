"""No lost updates: 20 threads edit the same report with the version they read."""

import threading

import pytest
from django.db import OperationalError, connection

from kechuang.core.concurrency import ConflictError
from kechuang.reporting import services
from kechuang.reporting.models import ReportEvent, TaskReport

from .helpers import town_report

THREADS = 20


def _race(row_pk, user, version, round_no):
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def work(i):
        try:
            row = TaskReport.objects.get(pk=row_pk)
            barrier.wait(timeout=30)
            services.save_draft(row, user=user, data={"narrative": f"第{round_no}轮 线程{i}"},
                                expected_version=version)
            results[i] = "ok"
        except ConflictError:
            results[i] = "conflict"
        except OperationalError as exc:  # SQLite's shared in-memory test database may refuse a lock
            results[i] = f"locked: {exc}"
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            results[i] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_edits_give_one_winner_per_version_and_conflicts_for_the_rest(plan, personas):
    user = personas["town"]
    row = town_report(plan, personas)
    for round_no in range(1, 3):
        version = TaskReport.objects.get(pk=row.pk).version
        results = _race(row.pk, user, version, round_no)
        winners = [i for i, r in enumerate(results) if r == "ok"]
        losers = [r for r in results if r != "ok"]
        assert len(winners) == 1, results
        if connection.vendor == "postgresql":
            assert all(r == "conflict" for r in losers), results
        else:
            assert all(r == "conflict" or r.startswith("locked") for r in losers), results
        fresh = TaskReport.objects.get(pk=row.pk)
        assert fresh.version == version + 1
        assert fresh.narrative == f"第{round_no}轮 线程{winners[0]}"
        saved = ReportEvent.objects.filter(task_report=row, action="saved").count()
        assert saved == round_no  # exactly one event per successful write
