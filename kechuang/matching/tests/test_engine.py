"""Retrieval quality and behaviour of the matching engine (in-memory index, no database)."""

import random

from kechuang.matching import engine
from kechuang.matching.engine import Doc, Index

from .labelled import TOPICS

INSTITUTIONS = ["华中科技大学", "武汉理工大学", "湖北工业大学", "武汉大学", "湖北大学", "中国科学院某研究所"]


def _doc(kind, pk, title, desc, keywords, field):
    if kind == "expert":
        return Doc(kind, pk, title, (("keywords", keywords, 3), ("field", field, 2), ("description", desc, 1),
                                     ("title", "教授", 1)))
    return Doc(kind, pk, title, (("title", title, 2), ("keywords", keywords, 3), ("field", field, 2),
                                 ("description", desc, 1)))


def labelled_corpus(noise: int = 300, seed: int = 7):
    """Answers, near-miss distractors and random noise documents mixing words of every topic."""
    rng = random.Random(seed)
    docs = {"expert": [], "achievement": []}
    answers = []
    pk = 1
    vocab = sorted({w for t in TOPICS for w in (t[6] + " " + t[10]).split()})
    for t in TOPICS:
        kind = t[3]
        docs[kind].append(_doc(kind, pk, t[4], t[5], t[6], t[7]))
        answers.append((t, kind, pk))
        pk += 1
        docs[kind].append(_doc(kind, pk, t[8], t[9], t[10], t[7]))  # near miss: same field
        pk += 1
    for _ in range(noise):
        kind = rng.choice(["expert", "achievement"])
        words = rng.sample(vocab, 3)
        docs[kind].append(_doc(kind, pk, f"{words[0]}与{words[1]}应用研究",
                               f"{rng.choice(INSTITUTIONS)}开展{'、'.join(words)}相关工作", " ".join(words[:2]),
                               "综合"))
        pk += 1
    return docs, answers


def query_of(t):
    title, desc, keywords = t[0], t[1], t[2]
    return engine.tokenize(title) * 2 + engine.tokenize(keywords) * 2 + engine.tokenize(desc)


def test_recall_at_10_on_the_labelled_set_is_at_least_0_9():
    docs, answers = labelled_corpus()
    indexes = {k: Index(v) for k, v in docs.items()}
    assert len(answers) >= 50
    found, misses = 0, []
    for t, kind, pk in answers:
        hits = indexes[kind].search(query_of(t), k=10)
        if pk in [h.pk for h in hits]:
            found += 1
        else:
            misses.append(t[0])
    recall = found / len(answers)
    assert recall >= 0.9, f"recall@10 = {recall:.2f}; missed: {misses}"


def test_synonyms_match_across_wording():
    docs = [_doc("expert", 1, "王建国", "锂离子电池隔离膜涂层", "锂离子电池 隔离膜", "新能源"),
            _doc("expert", 2, "李海", "铅酸蓄电池板栅", "铅酸电池", "新能源")]
    hits = Index(docs).search("锂电池隔膜涂覆", k=5)
    assert hits[0].pk == 1
    assert {"锂电池", "隔膜", "涂覆"} <= set(hits[0].matched)


def test_the_domain_dictionary_keeps_policy_terms_whole():
    tokens = engine.tokenize("申报高新技术企业和科技型中小企业，争创专精特新")
    assert {"高新技术企业", "科技型中小企业", "专精特新"} <= set(tokens)


def test_a_query_with_no_known_term_returns_nothing():
    index = Index([_doc("achievement", 1, "风机叶轮", "风机", "风机", "流体机械")])
    assert index.search("完全无关的内容", k=10) == []
    assert Index([]).search("风机", k=10) == []


def test_highlight_marks_synonyms_and_escapes_html():
    out = engine.highlight("<b>锂离子电池</b>隔离膜", ["锂电池", "隔膜"])
    assert "<mark>锂离子电池</mark>" in out and "<mark>隔离膜</mark>" in out
    assert "&lt;b&gt;" in out and "<b>" not in out


def test_semantic_reranking_is_off_by_default():
    assert engine.semantic_enabled() is False


def test_tokenising_block_by_block_gives_the_tokens_of_the_whole_text():
    from kechuang.matching import engine

    texts = [
        "华中科技大学围绕锂电池隔膜涂覆工艺、数控机床精度优化开展研究，解决5G基站散热（C++仿真）难题。",
        "Python与AI：工业互联网平台 IoT-传感器；余热回收 35% 节能\n新型\t储能",
        "",
    ]
    tok = engine.tokenizer()
    for text in texts:
        whole = []
        for word in tok.cut_for_search(text):
            w = word.strip().lower()
            if not w or w in engine._stopwords or engine._PUNCT.match(w):
                continue
            if len(w) == 1 and not engine._KEEP_SINGLE.match(w):
                continue
            whole.append(engine.canonical(w))
        assert engine.tokenize(text) == whole
    assert engine.tokenize(texts[0])  # not vacuous
