"""Chinese text for search, duplicates and dispatch: words without stopwords, pinyin terms, similarity (folding,
jieba and pinyin from core.text)."""

import re
from functools import lru_cache

from zhengwu.core import text as core_text

_WORD = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
# Words that say nothing about what a ticket is about.
STOPWORDS = frozenset(
    "的 了 是 在 我 你 他 她 们 和 与 及 也 都 就 还 有 没有 不 吗 呢 吧 啊 怎么 怎样 如何 什么 哪里 请问 "
    "一下 这个 那个 这里 那里 我们 你们 他们 可以 能 要 想 对 把 被 给 从 到 为 为什么 多少 谢谢 您好 你好 请".split()
)


# Words a caller uses whatever the matter (asking, complaining, who and when): in a caller's words they tell no
# knowledge entry or service guide from another, so the call screen's suggestions do not match on them.
REQUEST_WORDS = frozenset(
    "要求 请求 希望 反映 投诉 举报 咨询 问题 情况 事情 办理 处理 解决 查处 核实 回复 答复 相关 有关 部门 单位 "
    "工作人员 市民 来电 本人 现在 已经 一直 还是 怎么办 帮忙 帮助 尽快 马上 今天 昨天 前天 最近 时候 一家 一个 "
    "某某 知道 告诉 说 没人 管".split()
)


TITLE_LENGTH = (
    30  # a title taken from a text (the call screen asks for none; imports and the home page's rows)
)


def opening(text: str, length: int = TITLE_LENGTH) -> str:
    """The text on one line, cut with "…" when longer than `length`: cut bare, 「…饭菜里有苍蝇,吃完」 read as if the
    caller had said that."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def simplify(text: str) -> str:
    """Traditional characters become Simplified; letters lower case; full-width becomes half-width."""
    return core_text.fold(text)


def words(text: str) -> list[str]:
    """The meaningful words of a text (search-mode segmentation: long words and their parts), stopwords dropped."""
    out = []
    for token in core_text.cut_for_search(simplify(text)):
        token = token.strip()
        if token and token not in STOPWORDS and _WORD.fullmatch(token):
            out.append(token)
    return out


def key_words(text: str) -> list[str]:
    """The words of a caller's text that say what it is about, in the order said: `words` without the request
    words, and without single characters when the text has a longer word ("在某饭店吃饭" → 饭店, 吃饭)."""
    found = list(dict.fromkeys(words(text)))
    if any(len(w) > 1 for w in found):
        found = [w for w in found if len(w) > 1]
    return [w for w in found if w not in REQUEST_WORDS]


def shown_words(found: list[str]) -> list[str]:
    """Matched words as listed to a reader: a word inside a longer one found with it is not listed again
    (监管部门, not 监管部门、监管)."""
    return core_text.outermost(found)


@lru_cache(maxsize=20000)
def _pinyin(word: str) -> tuple[str, str]:
    return core_text.pinyin(word, keep_other=True)


def pinyin_terms(word: str) -> tuple[str, str]:
    """Full pinyin and initials of a Chinese word ("社保" → "shebao", "sb"); empty for non-Chinese words."""
    if not core_text.has_han(word):
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
