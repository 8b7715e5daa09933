"""The knowledge base's words: jieba with the domain dictionary, and the synonym sets.

`tokens` cuts a text into index words: Chinese through jieba's search mode (lib.wordfreq's
table plus every DictionaryWord and synonym), ASCII words (part numbers like 02310KHN, serials,
English) kept whole and lower-cased, punctuation dropped. `normalize` maps each word of an
active SynonymSet onto the set's key (its first word), so 宕机, 死机 and down index as one word.

Admins edit both lists in the admin: every save bumps a version in the cache, and `lexicon()`
reloads the lists when the version it holds is no longer the current one, so the next query
and the next write see the change at once.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

from aftersales.cases import search as case_search

VERSION_KEY = "kb:lexicon:version"
MAX_TERM_CHARS = 100
# An ASCII word: letters and digits, joined by - . _ / inside (S5735-L48T4X, v2.1, 10.0.0.1).
_ASCII = re.compile(r"[a-z0-9]+(?:[-_./][a-z0-9]+)*")
_ASCII_PART = re.compile(r"[a-z0-9]+")
# A run of text without ASCII letters and digits: jieba cuts these.
_SPLIT = re.compile(r"([a-z0-9]+(?:[-_./][a-z0-9]+)*)")


class _Overlay:
    """jieba's FREQ: lib.wordfreq's read-only table with the domain words laid over it."""

    def __init__(self, base: Any) -> None:
        self.base = base
        self.extra: dict[str, int] = {}

    def __contains__(self, word: object) -> bool:
        return word in self.extra or word in self.base

    def __getitem__(self, word: str) -> int:
        if word in self.extra:
            return self.extra[word]
        return self.base[word]

    def __setitem__(self, word: str, freq: int) -> None:
        self.extra[word] = freq

    def get(self, word: str, default: int | None = None) -> int | None:
        if word in self.extra:
            return self.extra[word]
        return self.base.get(word, default)


@dataclass
class Lexicon:
    """The dictionary words and synonym sets of one version, with their tokenizer."""

    version: str
    words: tuple[tuple[str, int], ...] = ()
    # word → the key of its synonym set; key → every word of the set (the key included).
    synonym_key: dict[str, str] = field(default_factory=dict)
    synonym_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tokenizer: Any = None

    def normalize(self, word: str) -> str:
        return self.synonym_key.get(word, word)

    def variants(self, word: str) -> tuple[str, ...]:
        """Every word that means the same as `word` (itself first)."""
        key = self.normalize(word)
        others = self.synonym_words.get(key, ())
        return (word, *(w for w in others if w != word))


_lock = threading.Lock()
_current: Lexicon | None = None


def bump_version(**_: Any) -> None:
    """Mark the dictionary and synonyms changed (signal receiver of both models)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def lexicon() -> Lexicon:
    """The current dictionary and synonyms; reloaded when an admin changed either."""
    global _current
    version = cache.get(VERSION_KEY)
    held = _current
    if held is not None and version is not None and held.version == version:
        return held
    with _lock:
        if version is None:
            version = uuid.uuid4().hex
            # Another process may have set it meanwhile: theirs wins, both lists are the same.
            if not cache.add(VERSION_KEY, version, None):
                version = cache.get(VERSION_KEY) or version
        _current = _load(version)
        return _current


def _load(version: str) -> Lexicon:
    from aftersales.kb.models import DictionaryWord, SynonymSet

    words = tuple(DictionaryWord.objects.order_by("word").values_list("word", "weight"))
    synonym_key: dict[str, str] = {}
    synonym_words: dict[str, tuple[str, ...]] = {}
    for terms in (
        SynonymSet.objects.filter(active=True).order_by("id").values_list("terms", flat=True)
    ):
        members = _set_words(terms)
        if len(members) < 2:
            continue
        # A word already in an earlier set keeps that set's key: one word, one key.
        key = next((synonym_key[w] for w in members if w in synonym_key), members[0])
        merged = list(synonym_words.get(key, (key,)))
        for word in members:
            synonym_key.setdefault(word, key)
            if word not in merged:
                merged.append(word)
        synonym_words[key] = tuple(merged)
    lex = Lexicon(
        version=version, words=words, synonym_key=synonym_key, synonym_words=synonym_words
    )
    lex.tokenizer = _tokenizer(
        [(w, weight) for w, weight in words] + [(w, 100) for w in synonym_key]
    )
    return lex


def _set_words(terms: str) -> list[str]:
    """The words of a SynonymSet's text, lower-cased, in order, without repeats."""
    words: list[str] = []
    for raw in re.split(r"[,，;；、\n]+", terms or ""):
        word = raw.strip().lower()
        if word and word not in words:
            words.append(word)
    return words


def _tokenizer(words: Iterable[tuple[str, int]]) -> Any:
    """A jieba tokenizer sharing the process's word table, plus the domain words."""
    jieba = case_search._jieba()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = _Overlay(jieba.dt.FREQ)
    tokenizer.total = jieba.dt.total
    tokenizer.initialized = True
    for word, weight in words:
        if word and not word.isascii():
            tokenizer.add_word(word, freq=max(1, weight))
    return tokenizer


def tokens(text: str, *, lex: Lexicon | None = None) -> list[str]:
    """The index words of `text`, in order (repeats kept): lower-cased, synonyms not mapped.

    Chinese runs go through jieba's search mode (a long word and its parts); an ASCII word is
    one word, and a compound one (S5735-L48T4X) adds its parts.
    """
    lex = lex or lexicon()
    out: list[str] = []
    for i, chunk in enumerate(_SPLIT.split((text or "").lower())):
        if not chunk:
            continue
        if i % 2 == 1:
            out.append(chunk[:MAX_TERM_CHARS])
            parts = _ASCII_PART.findall(chunk)
            if len(parts) > 1:
                out.extend(p[:MAX_TERM_CHARS] for p in parts)
            continue
        for word in lex.tokenizer.cut_for_search(chunk):
            word = word.strip()
            if word and any(ch.isalnum() for ch in word):
                out.append(word[:MAX_TERM_CHARS])
    return out


def normalize(word: str, *, lex: Lexicon | None = None) -> str:
    """The synonym key of `word` (the word itself when it is in no active set)."""
    return (lex or lexicon()).normalize(word)


def query_words(text: str, *, lex: Lexicon | None = None) -> list[str]:
    """The distinct words of a query, in order: only whole words (交换机, not its part 交换),
    since a document holding the whole word holds its parts too."""
    words: list[str] = []
    for word in tokens(text, lex=lex):
        if word not in words:
            words.append(word)
    return [w for w in words if not any(w != other and w in other for other in words)]


def is_ascii_word(word: str) -> bool:
    return bool(_ASCII.fullmatch(word))
