"""Who may read the audit log (audit/rules.py): the auditor alone (三员分立)."""

from __future__ import annotations

from kechuang.core.testing import who_may


def test_only_the_auditor_reads_the_audit_log(personas):
    assert who_may(personas, "audit.view_auditlog") == {"auditor"}
