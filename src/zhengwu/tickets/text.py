"""Chinese text for search, duplicates and dispatch: Traditional → Simplified, segmentation, pinyin and initials."""

import logging
import re
from functools import lru_cache

import jieba
import opencc
from pypinyin import Style, lazy_pinyin

jieba.setLogLevel(logging.WARNING)
_T2S = opencc.OpenCC("t2s")
_WORD = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Words that say nothing about what a ticket is about.
STOPWORDS = frozenset(
    "的 了 是 在 我 你 他 她 们 和 与 及 也 都 就 还 有 没有 不 吗 呢 吧 啊 怎么 怎样 如何 什么 哪里 请问 "
    "一下 这个 那个 这里 那里 我们 你们 他们 可以 能 要 想 对 把 被 给 从 到 为 为什么 多少 谢谢 您好 你好 请".split()
)


def simplify(text: str) -> str:
    """Traditional characters become Simplified; letters lower case; full-width becomes half-width."""
    text = (text or "").translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})
    return _T2S.convert(text).lower()


def words(text: str) -> list[str]:
    """The meaningful words of a text (search-mode segmentation: long words and their parts), stopwords dropped."""
    out = []
    for token in jieba.lcut_for_search(simplify(text)):
        token = token.strip()
        if token and token not in STOPWORDS and _WORD.fullmatch(token):
            out.append(token)
    return out


@lru_cache(maxsize=20000)
def _pinyin(word: str) -> tuple[str, str]:
    return "".join(lazy_pinyin(word)), "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))


def pinyin_terms(word: str) -> tuple[str, str]:
    """Full pinyin and initials of a Chinese word ("社保" → "shebao", "sb"); empty for non-Chinese words."""
    if not _HAN.search(word):
        return "", ""
    return _pinyin(word)


def is_pinyin_query(query: str) -> bool:
    """A query of Latin letters only is read as pinyin or initials (operators type "sb" for 社保)."""
    q = simplify(query).replace(" ", "")
    return bool(q) and q.isascii() and q.isalpha()


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the word sets of two texts (0 to 1)."""
    sa, sb = set(words(a)), set(words(b))
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)
