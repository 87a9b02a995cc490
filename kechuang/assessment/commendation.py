"""表彰 candidate lists for the annual S&T innovation conference, drawn from the data.

Which plan indicators feed which list is data (the scheme's ``commendation`` section); the
enterprises come from the records behind ``resolve(...)``. Talents are counted per enterprise:
no person's name, ID or phone number ever appears in a list.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from kechuang.metrics.resolution import resolve
from kechuang.plans.models import Indicator


def _enterprise(record):
    for attr in ("enterprise", "host", "employer"):
        obj = getattr(record, attr, None)
        if obj is not None:
            return obj
    return None


def _enterprise_name(record) -> str:
    ent = _enterprise(record)
    if ent is not None:
        return ent.name
    return getattr(record, "employer_name", "") or ""


def _town(record) -> str:
    ent = _enterprise(record)
    town = getattr(ent, "town", None) if ent is not None else None
    return town.name if town is not None else ""


def _indicator(plan, code):
    return Indicator.objects.filter(plan=plan, code=code).first() if code else None


def candidates(scheme, as_of: dt.date, result=None) -> dict:
    plan, conf = scheme.plan, scheme.config.get("commendation", {}) or {}
    out = {"hnte_new": [], "platforms_new": [], "talent_building": [], "top_units": []}
    ind = _indicator(plan, conf.get("hnte_new"))
    if ind is not None:
        seen = set()
        for rec in resolve(ind, as_of).records:
            name = _enterprise_name(rec)
            if name and name not in seen:
                seen.add(name)
                out["hnte_new"].append({"enterprise": name, "town": _town(rec),
                                        "date": getattr(rec, "issued_on", None), "reason": "新认定高新技术企业"})
    ind = _indicator(plan, conf.get("platforms_new"))
    if ind is not None:
        for rec in resolve(ind, as_of).records:
            out["platforms_new"].append({"enterprise": _enterprise_name(rec), "platform": getattr(rec, "name", ""),
                                         "town": _town(rec), "date": getattr(rec, "filed_on", None),
                                         "reason": "新备案创新平台"})
    counts: Counter = Counter()
    towns = {}
    for code in conf.get("talent_building", []) or []:
        ind = _indicator(plan, code)
        if ind is None:
            continue
        for rec in resolve(ind, as_of).records:
            name = _enterprise_name(rec)
            if name:
                counts[name] += 1
                towns[name] = _town(rec)
    minimum = int(conf.get("talent_min", 1))
    out["talent_building"] = [
        {"enterprise": name, "town": towns.get(name, ""), "count": n, "reason": f"本年度引进高端人才（团队）{n}个"}
        for name, n in counts.most_common() if n >= minimum
    ]
    if result is not None:
        top = int(conf.get("top_units", 3))
        for group in result.data.get("groups", []):
            for row in group["units"]:
                if row["rank"] is not None and row["rank"] <= top and not row["vetoed"]:
                    out["top_units"].append({"group": group["name"], "unit": row["unit"], "rank": row["rank"],
                                             "total": row["total"], "reason": f"{group['name']}第{row['rank']}名"})
    return out


LIST_LABELS = {
    "hnte_new": "新认定高新技术企业", "platforms_new": "新备案创新平台", "talent_building": "引才引智成效突出企业",
    "top_units": "考核排名靠前单位",
}
