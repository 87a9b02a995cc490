"""Proposed indicator codes (UPPER_SNAKE) from the Chinese name, by a small glossary."""

from __future__ import annotations

import re

GLOSSARY = [
    ("高新技术企业", "HNTE"), ("高企", "HNTE"), ("科技型中小企业", "TECH_SME"), ("专精特新", "SRDI"),
    ("高新技术产业", "HIGHTECH"), ("增加值", "VALUE_ADDED"), ("占GDP比重", "SHARE"), ("比重", "SHARE"),
    ("研发经费", "RD_EXPENSE"), ("研发投入", "RD_EXPENSE"), ("研发机构", "RD_INSTITUTION"), ("研发", "RD"),
    ("覆盖率", "COVERAGE"), ("覆盖", "COVERAGE"), ("增长率", "GROWTH"), ("增长", "GROWTH"), ("增速", "GROWTH"),
    ("入库", "REGISTERED"), ("备案", "FILED"), ("科技成果转化", "ACHIEVEMENT_TRANSFERS"), ("成果转化", "TRANSFERS"),
    ("技术合同", "TECH_CONTRACT"), ("登记", "REGISTERED"), ("成交额", "VALUE"), ("交易额", "VALUE"),
    ("创新平台", "PLATFORMS"), ("平台", "PLATFORMS"), ("孵化器", "INCUBATORS"), ("众创空间", "MAKERSPACES"),
    ("工程技术研究中心", "ENGINEERING_CENTRES"), ("企校联合创新中心", "JOINT_CENTRES"),
    ("院士专家工作站", "ACADEMICIAN_STATIONS"),
    ("高端团队", "HIGH_END_TEAMS"), ("团队", "TEAMS"), ("高端人才", "HIGH_END_TALENTS"), ("人才", "TALENTS"),
    ("科技副总", "TECH_VICE_PRESIDENTS"), ("科技特派员", "TECH_COMMISSIONERS"), ("博士", "DOCTORS"),
    ("高校", "UNIVERSITIES"), ("合作协议", "AGREEMENTS"), ("知识产权", "IP"), ("发明专利", "INVENTION_PATENTS"),
    ("专利", "PATENTS"), ("商标", "TRADEMARKS"), ("培训", "TRAINING"), ("质押融资", "PLEDGE_FINANCING"),
    ("项目", "PROJECTS"), ("新认定", "NEW"), ("复审", "RERECOGNISED"), ("重新认定", "RERECOGNISED"),
    ("新增", "NEW"), ("总数", "TOTAL"), ("科普", "SCIENCE_POPULARISATION"), ("活动", "EVENTS"),
    ("企业", "ENTERPRISES"), ("上市", "LISTED"), ("税收", "TAX"), ("加计扣除", "SUPER_DEDUCTION"),
    ("资金", "FUNDS"), ("投入", "INPUT"), ("产值", "OUTPUT"), ("收入", "REVENUE"), ("人次", "PERSON_TIMES"),
    ("论文", "PAPERS"), ("标准", "STANDARDS"), ("奖", "AWARDS"), ("示范", "DEMONSTRATION"), ("基地", "BASES"),
    ("园区", "PARKS"), ("乡村", "RURAL"), ("农业", "AGRICULTURE"), ("技术", "TECH"), ("服务", "SERVICES"),
]


def propose_code(name: str, kind: str, taken: set[str]) -> str:
    parts: list[str] = []
    rest = name
    while rest:
        for word, code in GLOSSARY:
            if rest.startswith(word):
                if code not in parts:
                    parts.append(code)
                rest = rest[len(word):]
                break
        else:
            rest = rest[1:]
    if kind == "growth" and "GROWTH" not in parts:
        parts.append("GROWTH")
    code = "_".join(parts)[:48] or "TARGET"
    code = re.sub(r"_+", "_", code)
    candidate, n = code, 2
    while candidate in taken:
        candidate = f"{code}_{n}"
        n += 1
    taken.add(candidate)
    return candidate
