"""Demo cultivation entries (演示): enterprises from the registry demo, spread over the pipeline.
Idempotent: an enterprise already on the plan year's board is left as it is."""

from __future__ import annotations

from kechuang.accounts.models import Role, User
from kechuang.registry.models import Enterprise

from . import services
from .choices import Stage

# How far along the pipeline each demo entry is moved (cycled over the chosen enterprises).
PATHS = [
    [],
    [Stage.APPLYING],
    [Stage.APPLYING, Stage.RECOGNISED],
    [Stage.APPLYING, Stage.RECOGNISED, Stage.VALID],
    [],
    [Stage.APPLYING, Stage.POOL],
]


def generate(plan, rng) -> None:
    office = User.objects.filter(role_assignments__role=Role.OFFICE, is_active=True).order_by("pk").first()
    if office is None:
        return
    year = plan.year
    data_year = year - 1
    candidates = [row.enterprise for row in services.hnte_candidates(office, data_year, limit=12)]
    if not candidates:
        candidates = list(Enterprise.objects.filter(is_active=True).order_by("uscc")[:6])
    for i, ent in enumerate(candidates):
        if ent.cultivation_entries.filter(year=year).exists():
            continue
        entry = services.add_to_pool(ent, year, user=office, note="演示：纳入高企培育库")
        for stage in PATHS[i % len(PATHS)]:
            entry = services.change_stage(entry, stage, user=office, note="演示数据")
