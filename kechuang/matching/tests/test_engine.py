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


def _columns(retriever):
    """token -> (documents, scores) of a bm25s retriever's index."""
    s = retriever.scores
    return {t: (s["indices"][s["indptr"][i]:s["indptr"][i + 1]].tolist(),
                s["data"][s["indptr"][i]:s["indptr"][i + 1]].tolist())
            for t, i in retriever.vocab_dict.items() if i < len(s["indptr"]) - 1}


def test_the_index_scores_every_document_as_bm25s_own_indexing_does():
    import bm25s

    docs, _ = labelled_corpus(noise=200)
    items = [*docs["achievement"], _doc("achievement", 9999, "", "", "", "")]  # one without any token
    index = Index(items)
    own = bm25s.BM25()
    own.index([engine.weighted_tokens(d) or [engine.EMPTY] for d in items], show_progress=False)
    assert index.retriever.scores["num_docs"] == own.scores["num_docs"] == len(items)
    assert _columns(index.retriever) == _columns(own)  # same documents, bit-identical float32 scores


def test_an_index_reusing_a_previous_ones_tokens_scores_as_one_built_from_scratch(monkeypatch):
    docs, _ = labelled_corpus(noise=100)
    before = docs["expert"]
    previous = Index(before, stamps=["v1"] * len(before))
    changed = _doc("expert", before[3].pk, "赵明", "茶叶深加工与冷链物流", "茶叶 冷链物流", "农业")
    added = _doc("expert", 10_000, "钱亮", "永磁电机变频器节能控制", "永磁电机 变频器", "电气")
    after = [*before[:3], changed, *before[5:], added]  # before[4] is gone
    stamps = ["v1"] * 3 + ["v2"] + ["v1"] * (len(before) - 5) + ["v1"]
    tokenised = []
    real = engine.weighted_tokens
    monkeypatch.setattr(engine, "weighted_tokens", lambda doc: tokenised.append(doc.pk) or real(doc))

    reused = Index(after, stamps=stamps, previous=previous)

    assert tokenised == [changed.pk, added.pk]
    monkeypatch.setattr(engine, "weighted_tokens", real)
    fresh = Index(after, stamps=stamps)
    assert _columns(reused.retriever) == _columns(fresh.retriever)  # tokens of the removed row left with it
    for query in ("茶叶冷链物流", "永磁电机变频器", "锂电池隔膜涂覆", "数控机床"):
        assert ([(h.pk, h.score, h.matched) for h in reused.search(query)]
                == [(h.pk, h.score, h.matched) for h in fresh.search(query)])
