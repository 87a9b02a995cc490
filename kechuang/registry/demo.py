"""Deterministic demo registries (演示数据).

About 2,000 enterprises with valid USCCs spread over the plan's towns, streets and zone, yearly
financials 2019–2022, high-tech certificates (a 2019 cohort for re-recognition, 2022 first
recognitions), tech-SME registrations, ~500 talents with synthetic valid-checksum ID numbers
(names 演示人才NNN), platforms, contracts, transfers, agreements, trainings, pledges, patents,
demands, experts and achievements with Chinese keywords for matching.

Idempotent: nothing is generated when demo enterprises already exist. Rows are written with
plain ``bulk_create`` for speed, so demo rows carry no history entry of their own creation
(every later edit or import is recorded as usual).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from kechuang.org.models import Unit

from . import models as m
from .models import pinyin_initials
from .validators import make_id_number, synthetic_uscc

N_ENTERPRISES = 2000
MAX_REVENUE_PER_HEAD = Decimal(20_000_000)  # keeps demo firms inside the plausibility band
HIGHTECH_DIP = Decimal("0.1")
N_TALENTS = 500

FIELDS = {
    "智能制造": ["工业机器人", "数控机床", "自动化产线", "机器视觉", "工业互联网", "PLC控制", "智能检测"],
    "新能源汽车零部件": ["电机控制器", "动力电池", "轻量化车身", "热管理", "汽车电子", "制动系统", "驱动电机"],
    "风机与流体机械": ["离心风机", "轴流风机", "节能风机", "噪声控制", "叶轮设计", "变频调速", "流体仿真"],
    "新材料": ["高分子材料", "复合材料", "特种钢", "纳米涂层", "陶瓷材料", "石墨烯", "耐磨材料"],
    "食品与农产品加工": ["冷链保鲜", "发酵工艺", "茶叶深加工", "粮油加工", "食品安全检测", "果蔬干燥", "中药材提取"],
    "生物医药": ["原料药", "医疗器械", "体外诊断", "生物制剂", "制剂工艺", "药物分析", "中药现代化"],
    "电子信息": ["传感器", "嵌入式系统", "物联网", "大数据平台", "5G通信", "集成电路", "软件开发"],
    "节能环保": ["污水处理", "固废资源化", "余热回收", "废气治理", "土壤修复", "节能改造", "清洁生产"],
    "纺织服装": ["功能性面料", "印染工艺", "无纺布", "纺纱技术", "服装智能裁剪", "纤维改性", "环保染料"],
    "冶金铸造": ["精密铸造", "热处理", "压铸工艺", "铸件缺陷检测", "再生金属", "锻造", "表面处理"],
}
INDUSTRIES = {
    "智能制造": ("C34", "通用设备制造业"),
    "新能源汽车零部件": ("C36", "汽车制造业"),
    "风机与流体机械": ("C34", "通用设备制造业"),
    "新材料": ("C29", "橡胶和塑料制品业"),
    "食品与农产品加工": ("C13", "农副食品加工业"),
    "生物医药": ("C27", "医药制造业"),
    "电子信息": ("C39", "计算机、通信和其他电子设备制造业"),
    "节能环保": ("N77", "生态保护和环境治理业"),
    "纺织服装": ("C17", "纺织业"),
    "冶金铸造": ("C33", "金属制品业"),
}
NAME_PARTS = [
    "华",
    "鑫",
    "泰",
    "恒",
    "瑞",
    "博",
    "达",
    "盛",
    "新",
    "隆",
    "宏",
    "远",
    "丰",
    "创",
    "科",
    "信",
    "永",
    "安",
    "德",
    "康",
    "嘉",
    "正",
    "天",
    "明",
    "润",
    "锦",
    "汇",
    "中",
    "和",
    "广",
]
SUFFIX = {
    "智能制造": "智能装备",
    "新能源汽车零部件": "汽车零部件",
    "风机与流体机械": "风机",
    "新材料": "新材料",
    "食品与农产品加工": "食品",
    "生物医药": "生物科技",
    "电子信息": "电子科技",
    "节能环保": "环保科技",
    "纺织服装": "纺织",
    "冶金铸造": "铸造",
}
UNIVERSITIES = [
    "武汉大学",
    "华中科技大学",
    "武汉理工大学",
    "湖北工业大学",
    "华中农业大学",
    "湖北大学",
    "武汉科技大学",
    "中南民族大学",
    "湖北文理学院",
    "湖北工程学院",
    "长江大学",
    "武汉纺织大学",
    "武汉轻工大学",
]
BANKS = ["演示农商银行", "演示建设银行市支行", "演示工商银行市支行", "演示邮储银行"]


def _day(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _founded(drawn: dt.date) -> dt.date:
    """The founding date, squeezed into 1995–2014 so that every demo figure, certificate and
    recognition (from 2015) comes after it (the plausibility rules check this)."""
    days = (drawn - dt.date(2000, 1, 1)).days * 7304 // 8035
    return dt.date(1995, 1, 1) + dt.timedelta(days=days)


def _with_initials(objs):
    for obj in objs:
        obj.initials = pinyin_initials(str(getattr(obj, obj.initials_source, "") or ""))
    return objs


def generate(plan, rng) -> None:
    if m.Enterprise.objects.filter(name__startswith="演示", uscc=synthetic_uscc(1)).exists():
        return
    towns = list(Unit.objects.filter(kind__in=m.JURISDICTION_KINDS, is_active=True).order_by("path"))
    year = plan.year
    with transaction.atomic():
        enterprises = _enterprises(rng, towns)
        above = [e for e in enterprises if e.is_above_scale]
        _years(rng, enterprises, year)
        hnte = _certificates(rng, enterprises, above, year)
        _smes(rng, enterprises, hnte, year)
        _labels_and_rd(rng, above, hnte, year)
        _platforms(rng, above, year)
        _talents(rng, enterprises, year)
        _transactions(rng, enterprises, above, hnte, year, towns)
        _matching(rng, enterprises, year)


def _enterprises(rng, towns):
    objs = []
    fields = list(FIELDS)
    for i in range(1, N_ENTERPRISES + 1):
        field = fields[i % len(fields)]
        code, industry = INDUSTRIES[field]
        name = f"演示{rng.choice(NAME_PARTS)}{rng.choice(NAME_PARTS)}{SUFFIX[field]}有限公司{i:04d}"
        industrial = code.startswith("C")
        objs.append(
            m.Enterprise(
                uscc=synthetic_uscc(i),
                name=name,
                town=towns[i % len(towns)] if towns else None,
                industry_code=code,
                industry_name=industry,
                is_above_scale=i % 6 == 0 or i <= 60,
                is_industrial=industrial,
                registered_on=_founded(_day(rng, dt.date(2000, 1, 1), dt.date(2021, 12, 31))),
                address=f"演示地址{i}号",
                contact=f"演示联系人{i:04d}",
            )
        )
    return m.Enterprise.objects.bulk_create(_with_initials(objs), batch_size=1000)


def _years(rng, enterprises, year):
    rows = []
    for i, ent in enumerate(enterprises, start=1):
        base = Decimal(rng.randint(800, 50000) * 10000) * (5 if ent.is_above_scale else 1)
        first_draw: list[int] = []
        rd_ratio = Decimal(rng.randint(5, 60)) / 1000
        for y in range(year - 3, year + 1):
            growth = Decimal(100 + rng.randint(-5, 25)) / 100
            base = (base * growth).quantize(Decimal("1"))
            rd = (base * rd_ratio).quantize(Decimal("1"))
            rows.append(
                m.EnterpriseYear(
                    enterprise=ent,
                    year=y,
                    revenue=base,
                    rd_expense=rd,
                    rd_domestic=(rd * Decimal("0.9")).quantize(1),
                    # Two firms report a dip in 2021's high-tech revenue: the data-quality page's
                    # "year-on-year change beyond ×3" warnings in the demo.
                    hightech_revenue=(
                        base * (HIGHTECH_DIP if y == year - 1 and i in (7, 13) else Decimal("0.4"))
                    ).quantize(1),
                    total_cost=(base * Decimal("0.85")).quantize(1),
                    total_assets=(base * Decimal("1.3")).quantize(1),
                    net_assets=(base * Decimal("0.6")).quantize(1),
                    employees=(employees := _headcount(rng.randint(20, 600), first_draw, base)),
                    tech_staff=min(rng.randint(3, 80), employees),
                    rd_deduction_claimed=rd > 0,
                )
            )
    m.EnterpriseYear.objects.bulk_create(_with_initials_years(rows, enterprises), batch_size=2000)


def _headcount(drawn: int, first_draw: list[int], revenue: Decimal) -> int:
    """A firm's headcount moves within ±10 % of its first year's (the draw only varies it), and is
    large enough to keep revenue per head inside the plausibility band."""
    if not first_draw:
        first_draw.append(drawn)
    steady = first_draw[0] * (90 + drawn % 21) // 100
    return max(steady, int(revenue // MAX_REVENUE_PER_HEAD) + 1)


def _with_initials_years(rows, enterprises):
    names = {e.pk: pinyin_initials(e.name) for e in enterprises}
    for r in rows:
        r.initials = names[r.enterprise.pk]
    return rows


def _cert(ent, number, issued, first=True, status="valid"):
    return m.HighTechCertificate(
        enterprise=ent,
        number=number,
        issued_on=issued,
        expires_on=m.add_years(issued, 3),
        status=status,
        is_first_recognition=first,
        initials=pinyin_initials(number),
    )


def _certificates(rng, enterprises, above, year):
    """2019 cohort of 9 (5 re-recognised in the plan year), 2020–2021 holders, 2022 first recognitions."""
    certs, seq = [], 0
    pool = list(above[:200]) + enterprises[200:260]
    rng.shuffle(pool)

    def number(y):
        nonlocal seq
        seq += 1
        return f"GR{y}4200{seq:04d}"

    cohort, pool = pool[:9], pool[9:]
    for i, ent in enumerate(cohort):
        certs.append(_cert(ent, number(year - 3), dt.date(year - 3, 11, 28)))
        if i < 5:
            issued = dt.date(year, 7 + i, 10) if i < 3 else dt.date(year, 11, 20 + i)
            certs.append(_cert(ent, number(year), issued, first=False))
    older, pool = pool[:26], pool[26:]
    for i, ent in enumerate(older):
        y = year - 2 if i < 12 else year - 1
        certs.append(_cert(ent, number(y), dt.date(y, 12, 1 + i % 20), status="revoked" if i == 25 else "valid"))
    new, pool = pool[:10], pool[10:]
    for i, ent in enumerate(new):
        issued = dt.date(year, 3 + i, 15) if i < 7 else dt.date(year, 11, 10 + i)
        certs.append(_cert(ent, number(year), issued))
    lapsed = pool[:6]
    for ent in lapsed:
        certs.append(_cert(ent, number(year - 4), dt.date(year - 4, 10, 20), status="expired"))
    m.HighTechCertificate.objects.bulk_create(certs)
    return cohort + older[:25] + new


def _smes(rng, enterprises, hnte, year):
    regs = []
    candidates = [e for e in enterprises if e not in set(hnte)][:120]
    for i, ent in enumerate(candidates[:55]):
        registered = dt.date(year, 2 + i % 8, 1 + i % 27) if i < 45 else dt.date(year, 10 + i % 3, 5)
        regs.append(
            m.TechSMERegistration(
                enterprise=ent, number=f"{year}42138102{i + 1:04d}", year=year, registered_on=registered
            )
        )
    for i, ent in enumerate(candidates[20:70]):
        regs.append(
            m.TechSMERegistration(
                enterprise=ent,
                number=f"{year - 1}42138102{i + 1:04d}",
                year=year - 1,
                registered_on=dt.date(year - 1, 3 + i % 9, 10),
            )
        )
    m.TechSMERegistration.objects.bulk_create(_with_initials(regs))


def _labels_and_rd(rng, above, hnte, year):
    labels, institutions = [], []
    for i, ent in enumerate(above[:40]):
        labels.append(m.EnterpriseLabel(enterprise=ent, kind="重点骨干", year=year))
        if i % 2 == 0:
            labels.append(
                m.EnterpriseLabel(
                    enterprise=ent, kind="专精特新", level="省级" if i % 4 else "国家级（小巨人）", year=year - 1
                )
            )
    for ent in above[40:46]:
        labels.append(m.EnterpriseLabel(enterprise=ent, kind="瞪羚", level="省级", year=year - 1))
    labels.append(m.EnterpriseLabel(enterprise=above[50], kind="上市阶段", level="辅导备案", year=year))
    m.EnterpriseLabel.objects.bulk_create(_with_initials(labels))
    kinds = ["企业技术中心", "工程技术研究中心", "研发中心", "重点实验室"]
    for i, ent in enumerate(above):
        if ent.is_industrial and i % 10 < 7:
            institutions.append(
                m.RDInstitution(
                    enterprise=ent,
                    name=f"{ent.name[:-4]}研发中心",
                    kind=kinds[i % len(kinds)],
                    level=["county", "prefecture", "provincial"][i % 3],
                    recognised_on=_day(rng, dt.date(2015, 1, 1), dt.date(year, 8, 31)),
                )
            )
    for ent in hnte:
        if ent.is_above_scale and not any(r.enterprise is ent for r in institutions) and rng.random() < 0.6:
            institutions.append(
                m.RDInstitution(
                    enterprise=ent,
                    name=f"{ent.name[:-4]}技术中心",
                    kind="研发中心",
                    level="county",
                    recognised_on=dt.date(year - 1, 6, 1),
                )
            )
    m.RDInstitution.objects.bulk_create(_with_initials(institutions))


def _platforms(rng, above, year):
    platforms = []
    kinds = [k for k in m.PLATFORM_KINDS if k != "其他"]
    hosts = [e for e in above if e.is_industrial]
    for i in range(110):
        host = hosts[i % len(hosts)]
        filed = dt.date(year, 1 + i % 9, 10) if i < 9 else _day(rng, dt.date(2016, 1, 1), dt.date(year - 1, 12, 31))
        if i in (9, 10):
            filed = dt.date(year, 11, 5)
        platforms.append(
            m.Platform(
                name=f"{host.name[2:-8]}{kinds[i % len(kinds)]}（演示{i + 1:03d}）",
                kind=kinds[i % len(kinds)],
                level=["county", "prefecture", "provincial", "national"][min(3, i % 7 // 2)],
                host=host,
                filed_on=filed,
                recognised_on=filed + dt.timedelta(days=90) if i % 3 == 0 else None,
                upgrade_target="省级" if i % 5 == 0 else "",
            )
        )
    m.Platform.objects.bulk_create(_with_initials(platforms))


def _talents(rng, enterprises, year):
    cats = ["高端人才"] * 3 + ["高端团队成员", "科技副总", "炎帝人才计划", "拔尖人才", "其他"]
    edus = ["博士", "硕士", "本科"]
    titles = ["教授", "研究员", "高级工程师", "副教授", "工程师"]
    fields = list(FIELDS)
    talents = []
    for i in range(1, N_TALENTS + 1):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 35))
        # Region 421381, a real-looking date, sequence 9xx: synthetic numbers with a valid check digit.
        number = make_id_number(f"421381{birth:%Y%m%d}9{i % 100:02d}")
        employer = enterprises[(i * 7) % len(enterprises)]
        introduced = (
            dt.date(year, 1 + i % 9, 1 + i % 27)
            if i % 37 == 0
            else _day(rng, dt.date(2015, 1, 1), dt.date(year - 1, 12, 31))
        )
        t = m.Talent(
            name=f"演示人才{i:03d}",
            education=rng.choice(edus),
            title=rng.choice(titles),
            field=fields[i % len(fields)],
            employer=employer,
            employer_name=employer.name,
            category=cats[i % len(cats)],
            introduced_on=introduced,
            status="在岗",
        )
        t.set_id_number(number)
        t.set_phone(f"1380000{i:04d}")
        talents.append(t)
    m.Talent.objects.bulk_create(_with_initials(talents), batch_size=500)
    teams = [
        m.Team(
            name=f"演示{fields[i]}创新团队",
            leader=f"演示带头人{i + 1:02d}",
            category="高端团队",
            introduced_on=dt.date(year, 2 + i, 15) if i < 1 else dt.date(year - 1, 5, 1),
            employer=enterprises[i * 11],
            employer_name=enterprises[i * 11].name,
        )
        for i in range(7)
    ]
    m.Team.objects.bulk_create(_with_initials(teams))


def _transactions(rng, enterprises, above, hnte, year, towns):
    contracts = []
    kinds = list(m.CONTRACT_KINDS)
    # About 1.5亿 registered by the end of September, more afterwards.
    amounts = [Decimal(rng.randint(80, 420) * 10000) for _ in range(60)]
    scale = Decimal("150000000") / sum(amounts)
    for i, amount in enumerate(amounts):
        ent = enterprises[(i * 13) % len(enterprises)]
        contracts.append(
            m.TechContract(
                number=f"{year}4213810{i + 1:04d}",
                kind=kinds[i % len(kinds)],
                seller=rng.choice(UNIVERSITIES),
                buyer=ent.name,
                enterprise=ent,
                amount=(amount * scale).quantize(Decimal("0.01")),
                registered_on=dt.date(year, 1 + i % 9, 1 + (i * 3) % 27),
            )
        )
    for i in range(15):
        ent = enterprises[(i * 17) % len(enterprises)]
        contracts.append(
            m.TechContract(
                number=f"{year}4213819{i + 1:04d}",
                kind=kinds[i % len(kinds)],
                seller=rng.choice(UNIVERSITIES),
                buyer=ent.name,
                enterprise=ent,
                amount=Decimal(rng.randint(50, 300) * 10000),
                registered_on=dt.date(year, 10 + i % 3, 1 + i),
            )
        )
    for i in range(50):
        ent = enterprises[(i * 19) % len(enterprises)]
        contracts.append(
            m.TechContract(
                number=f"{year - 1}4213810{i + 1:04d}",
                kind=kinds[i % len(kinds)],
                seller=rng.choice(UNIVERSITIES),
                buyer=ent.name,
                enterprise=ent,
                amount=Decimal(rng.randint(50, 400) * 10000),
                registered_on=dt.date(year - 1, 1 + i % 12, 1 + i % 27),
            )
        )
    m.TechContract.objects.bulk_create(_with_initials(contracts))
    transfers = [
        m.AchievementTransfer(
            title=f"演示成果转化项目{i + 1:02d}",
            source_institution=rng.choice(UNIVERSITIES),
            enterprise=enterprises[(i * 23) % len(enterprises)],
            way=["转让", "许可", "作价投资", "合作实施"][i % 4],
            amount=Decimal(rng.randint(10, 200) * 10000),
            transferred_on=dt.date(year, 1 + i % 9, 5) if i < 9 else dt.date(year - 1, 1 + i % 12, 5),
        )
        for i in range(30)
    ]
    m.AchievementTransfer.objects.bulk_create(_with_initials(transfers))
    agreements = [
        m.UniversityAgreement(
            university=UNIVERSITIES[i],
            signed_on=dt.date(year if i < 3 else year - 1, 3 + i, 12),
            scope="产学研合作、人才培养、平台共建",
            results="共建研发平台、联合攻关" if i % 3 != 2 else "",
            has_substantive_results=i % 3 != 2,
        )
        for i in range(10)
    ]
    m.UniversityAgreement.objects.bulk_create(_with_initials(agreements))
    commissioners = [
        m.Commissioner(
            name=f"演示特派员{i + 1:02d}",
            dispatching_body=rng.choice(UNIVERSITIES),
            service_town=towns[i % len(towns)] if towns else None,
            service_target=f"演示村{i + 1}",
            term_start=dt.date(year, 1, 1),
            term_end=dt.date(year, 12, 31),
        )
        for i in range(30)
    ]
    commissioners = m.Commissioner.objects.bulk_create(_with_initials(commissioners))
    logs = [
        m.CommissionerLog(commissioner=c, served_on=dt.date(year, 1 + j * 2, 10), content=f"开展{k}技术指导与培训")
        for c in commissioners
        for j, k in enumerate(["种植", "加工", "病虫害防治"])
    ]
    m.CommissionerLog.objects.bulk_create(_with_initials(logs))
    patents, seq = [], 0
    for i, ent in enumerate(enterprises[:600]):
        seq += 1
        kind = ["发明", "实用新型", "实用新型", "外观设计", "软件著作权"][i % 5]
        granted = _day(rng, dt.date(2016, 1, 1), dt.date(year, 8, 31))
        patents.append(
            m.Patent(
                number=f"ZL{granted.year}1{seq:07d}",
                title=f"一种{rng.choice(FIELDS[list(FIELDS)[i % 10]])}装置",
                kind=kind,
                owner=ent,
                owner_name=ent.name,
                applied_on=granted - dt.timedelta(days=400),
                granted_on=granted,
                is_high_value=kind == "发明" and i % 3 == 0,
                status="有效",
            )
        )
    m.Patent.objects.bulk_create(_with_initials(patents))
    trainings = [
        m.IPTraining(
            title=f"知识产权实务培训（第{i + 1}期）",
            held_on=dt.date(year if i < 6 else year - 1, 3 + i, 18),
            organiser="演示市场监管局",
        )
        for i in range(9)
    ]
    trainings = m.IPTraining.objects.bulk_create(_with_initials(trainings))
    key = list(dict.fromkeys(hnte + above[:40]))
    attendances = [
        m.IPTrainingAttendance(training=trainings[i % 6], enterprise=ent, initials=pinyin_initials(ent.name))
        for i, ent in enumerate(key)
        if i % 10 != 0
    ]
    m.IPTrainingAttendance.objects.bulk_create(attendances)
    pledges = []
    for i in range(24):
        y = year if i < 12 else year - 1
        pledges.append(
            m.PledgeFinancing(
                enterprise=above[i * 3],
                bank=BANKS[i % len(BANKS)],
                amount=Decimal(rng.randint(100, 800) * 10000) * (Decimal("1.25") if y == year else 1),
                pledged_on=dt.date(y, 1 + (i % 12), 15),
            )
        )
    m.PledgeFinancing.objects.bulk_create(_with_initials(pledges))
    fundings = [
        m.Funding(
            programme=["科技创新专项", "高新技术企业奖励", "研发费用后补助"][i % 3],
            enterprise=hnte[i % len(hnte)],
            amount=Decimal(rng.randint(5, 50) * 10000),
            mode="后补助" if i % 3 else "前期资助",
            granted_on=dt.date(year, 1 + i % 9, 20),
        )
        for i in range(25)
    ]
    m.Funding.objects.bulk_create(_with_initials(fundings))


def _matching(rng, enterprises, year):
    fields = list(FIELDS)
    demands = []
    for i in range(80):
        field = fields[i % len(fields)]
        words = rng.sample(FIELDS[field], 3)
        ent = enterprises[(i * 29) % len(enterprises)]
        demands.append(
            m.Demand(
                enterprise=ent,
                title=f"{words[0]}技术攻关需求",
                description=f"企业在{words[0]}、{words[1]}方面存在技术瓶颈，希望与高校院所合作开展{words[2]}研究。",
                keywords="、".join(words),
                field=field,
                posted_on=dt.date(year, 1 + i % 9, 1 + i % 27),
                status="征集中" if i % 4 else "已对接",
            )
        )
    m.Demand.objects.bulk_create(_with_initials(demands))
    experts, achievements = [], []
    titles = ["教授", "研究员", "副教授", "高级工程师"]
    for i in range(220):
        field = fields[i % len(fields)]
        words = rng.sample(FIELDS[field], 3)
        e = m.Expert(
            name=f"演示专家{i + 1:03d}",
            institution=UNIVERSITIES[i % len(UNIVERSITIES)],
            title=titles[i % len(titles)],
            field=field,
            keywords="、".join(words),
            description=f"长期从事{words[0]}与{words[1]}研究，主持{words[2]}相关项目多项。",
        )
        e.set_phone(f"1390000{i + 1:04d}")
        experts.append(e)
        words = rng.sample(FIELDS[field], 3)
        achievements.append(
            m.Achievement(
                title=f"{words[0]}关键技术及应用（演示{i + 1:03d}）",
                institution=UNIVERSITIES[(i + 3) % len(UNIVERSITIES)],
                description=f"研发了{words[0]}新工艺，解决了{words[1]}难题，可用于{words[2]}。",
                keywords="、".join(words),
                field=field,
            )
        )
    m.Expert.objects.bulk_create(_with_initials(experts))
    m.Achievement.objects.bulk_create(_with_initials(achievements))
