"""Reporting services: periods, the workflow (save, submit, approve, return, reopen), the unit's
monthly workspace with pre-filled values, and completeness/timeliness per unit.

Workflow (``SubmissionStatus``)::

    draft ──submit──► submitted ──approve──► approved (LOCKED) ──reopen (office)──► returned
      ▲                   │                                                        │
      └── save_draft      └──return_for_revision (reason)──► returned ──submit─────┘

Every function here is keyword-only after the row, checks the transition and the user's right to make
it, runs in ``transaction.atomic()`` with the row locked, saves with the optimistic version check
(``core.concurrency.save_with_version``), and writes a ``ReportEvent`` and an audit event. Views, the
API and the Excel upload call these functions and never set ``status`` themselves.

The package is split by concern; every public name is re-exported here, so callers keep
``from kechuang.reporting import services`` and ``services.submit(...)``.
"""

from .burden import (  # noqa: F401
    _units,
    burden_by_unit,
)
from .cleaning import (  # noqa: F401
    TASK_FIELDS,
    VALUE_FIELDS,
    _text,
    clean_task_data,
    clean_value_data,
    parse_decimal,
    submission_problems,
)
from .completeness import (  # noqa: F401
    UNIT_STATUSES,
    _end_of,
    expected_items,
    latest_approved_reports,
    status_matrix,
    timeliness,
    unit_period_status,
)
from .errors import (  # noqa: F401
    TEXT_MAX,
    InvalidData,
    NotAllowed,
    WorkflowError,
)
from .milestones import (  # noqa: F401
    milestone_action,
    overdue_milestones,
)
from .periods import (  # noqa: F401
    _add_months,
    business_date,
    current_period,
    ensure_periods,
    period_dates,
    plan_periods,
    previous_period,
    set_period_status,
)
from .permissions import reviewable  # noqa: F401
from .prefill import (  # noqa: F401
    IndicatorItem,
    TaskItem,
    Workspace,
    _prefilled_task,
    _prefilled_value,
    _previous_period,
    ensure_indicator_value,
    ensure_task_report,
    system_value,
    unit_indicators,
    unit_task_roles,
    workspace,
)
from .workflow import (  # noqa: F401
    ROW_STATE,
    _check_editable,
    _check_open,
    _check_version,
    _copy,
    _event,
    _label,
    _lock,
    _supports_of,
    approve,
    lock_rows,
    reopen,
    return_for_revision,
    save_draft,
    submit,
)
