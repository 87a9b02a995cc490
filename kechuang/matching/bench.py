"""Matching latency over 100,000 experts and achievements (synthetic, from word lists), in memory.

Reports the index build time (tokenising included) and the median / p95 time of one demand's
match (query tokenising + both indexes) over 50 queries; then, in a fresh process (so its peak RSS is the build's
own), a worker's full build of both indexes with their serialisation for storage, and what a web process pays to
load them."""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import time

from django.core.files.storage import default_storage

from kechuang.bench import report

from .engine import ACHIEVEMENT_WEIGHTS, EXPERT_WEIGHTS, Doc, Index, load_index, save_index, tokenize

DATASET = "100,000 experts and achievements, in-memory index"
N = 100_000
TECH = ["锂电池", "隔膜", "涂覆", "风机", "叶轮", "透平", "汽轮机", "压缩机", "减速器", "齿轮", "轴承", "数控机床",
        "工业机器人", "机器视觉", "缺陷检测", "增材制造", "激光焊接", "热处理", "铸造", "粉末冶金", "碳纤维",
        "复合材料", "石墨烯", "光伏", "储能", "余热回收", "污水处理", "固废", "有机肥", "冷链物流", "茶叶", "中药材",
        "医疗器械", "无纺布", "工业互联网", "物联网", "传感器", "芯片", "变频器", "永磁电机", "模具", "注塑",
        "钢结构", "装配式建筑", "专用汽车", "消防车", "电解液", "正极材料", "数字孪生", "故障诊断"]
VERBS = ["设计", "优化", "制备", "检测", "控制", "集成", "仿真", "评价", "改性", "回收", "监测", "降噪", "节能"]
OBJECTS = ["工艺", "材料", "装备", "系统", "平台", "方法", "结构", "性能", "寿命", "效率", "精度", "可靠性"]
FIELDS = ["电子信息", "生物与新医药", "新材料", "高技术服务", "新能源与节能", "资源与环境", "先进制造与自动化"]
INSTITUTIONS = ["华中科技大学", "武汉理工大学", "湖北工业大学", "武汉大学", "湖北大学", "武汉科技大学"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"


def _phrase(rng):
    return f"{rng.choice(TECH)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}"


def synthetic_docs(n: int, seed: int = 2022):
    rng = random.Random(seed)
    docs = {"expert": [], "achievement": []}
    for i in range(n):
        kind = "expert" if i % 2 == 0 else "achievement"
        kw = " ".join(rng.sample(TECH, 3))
        desc = f"{rng.choice(INSTITUTIONS)}围绕{_phrase(rng)}、{_phrase(rng)}开展研究，解决{_phrase(rng)}难题"
        field = rng.choice(FIELDS)
        if kind == "expert":
            name = rng.choice(SURNAMES) + rng.choice(SURNAMES)
            texts = {"keywords": kw, "field": field, "description": desc, "title": "教授"}
            docs[kind].append(Doc(kind, i, name, tuple((f, texts[f], w) for f, w in EXPERT_WEIGHTS)))
        else:
            texts = {"title": _phrase(rng), "keywords": kw, "field": field, "description": desc}
            docs[kind].append(Doc(kind, i, texts["title"], tuple((f, texts[f], w) for f, w in ACHIEVEMENT_WEIGHTS)))
    return docs


def run(db_label: str) -> None:
    tokenize("预热分词器")  # jieba's dictionary load is a one-off per process, not index building
    docs = synthetic_docs(N)
    start = time.perf_counter()
    indexes = {kind: Index(items) for kind, items in docs.items()}
    report("matching_index_build", time.perf_counter() - start, "s", DATASET)
    rng = random.Random(7)
    queries = [f"{_phrase(rng)}需求：现有{_phrase(rng)}不足，希望{_phrase(rng)}" for _ in range(50)]
    times = []
    for q in queries:
        t = time.perf_counter()
        tokens = tokenize(q)
        for index in indexes.values():
            index.search(tokens, k=10)
        times.append((time.perf_counter() - t) * 1000)
    report("matching_query_median", statistics.median(times), "ms", DATASET)
    report("matching_query_p95", sorted(times)[int(len(times) * 0.95) - 1], "ms", DATASET)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "kechuang.settings")}
    out = subprocess.run([sys.executable, "-c", WORKER], env=env, capture_output=True, text=True,
                         timeout=1800, check=True).stdout.split()
    build, size, load, rss = (float(x) for x in out[-4:])
    label = "100,000 experts and achievements, fresh process"
    report("matching_worker_build_and_serialise", build, "s", label)
    report("matching_worker_peak_rss", rss, "MB", label)
    report("matching_index_stored_size", size, "MB", label)
    report("matching_index_load_web_process", load, "s", label)


# The fresh process sets Django up before importing this module (the engine imports models at module top).
WORKER = "import django; django.setup(); from kechuang.matching.bench import _worker_build; _worker_build()"


def _worker_build() -> None:
    """A worker's full build in this process: prints build+store seconds, stored MB, load seconds, peak RSS MB.
    Each index is stored as the worker stores it (``save_index`` to the default storage) and loaded back as a web
    process loads it (``load_index``)."""
    tokenize("预热分词器")
    docs = synthetic_docs(N)
    start = time.perf_counter()
    names = [save_index(Index(items), f"matching/bench-{kind}.pkl") for kind, items in docs.items()]
    build = time.perf_counter() - start
    start = time.perf_counter()
    for name in names:
        if load_index(name) is None:
            raise RuntimeError(f"the stored index {name} did not load")
    load = time.perf_counter() - start
    size = sum(default_storage.size(name) for name in names) / 1024 / 1024
    for name in names:
        default_storage.delete(name)
    print(f"{build:.3f} {size:.1f} {load:.3f} {_peak_rss_mb():.0f}")


def _peak_rss_mb() -> float:
    """This process's own peak RSS. Not ``getrusage``'s ``ru_maxrss``: on Linux an exec'd process inherits in it the
    peak of the process it was forked from (here the benchmark, which holds its own 100,000 documents and indexes),
    whereas ``VmHWM`` is the high-water mark of this process's own memory."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
