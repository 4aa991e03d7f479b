"""Chinese text for search, once for every domain: folding, segmentation (jieba), pieces, pinyin.

- `fold`: Traditional → Simplified (OpenCC t2s), full-width ASCII → half-width, lower case. Punctuation and spaces
  are kept (the disclosure and hotline searches segment the folded text afterwards).
- `normalise`: `fold` made strict for substring matching (the catalogue): NFKC, Simplified, lower case, and only
  letters, digits and characters kept ("营业执照(副本)" → "营业执照副本").
- `name_key`: a name as two spellings of it compare equal — NFKC (full-width brackets and letters halved) and no
  whitespace, nothing else changed ("不动产登记费（住宅类）" and "不动产登记费 (住宅类)" are one fee's name).
- `cut` / `cut_for_search`: jieba's accurate and search-mode segmentation of a text (not folded here).
- `pieces`: every n-character piece of a text (the catalogue's index tokens).
- `pinyin`: full pinyin and initials ("社保" → "shebao", "sb").
- `find_folded`: where a folded query occurs in the original text (to highlight a match people can see);
  `excerpt`: the text around the first match of a query or one of its words, cut in three for highlighting.

The dictionaries load on first use (about a second for jieba), under a lock so two threads do not load them twice.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

_lock = threading.Lock()
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_KEEP = re.compile(r"[\w]+", re.UNICODE)
_HAN = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def jieba():
    """The jieba module with its dictionary loaded, quiet."""
    import jieba as _jieba

    with _lock:
        _jieba.setLogLevel(logging.WARNING)
        _jieba.initialize()
    return _jieba


def simplified(text: str) -> str:
    """Traditional characters folded to Simplified (nothing else changed)."""
    return _t2s().convert(text or "")


def fold(text: str) -> str:
    """Traditional characters folded to Simplified, lower case, full-width ASCII halved."""
    return simplified((text or "").translate(_FULL_WIDTH)).lower()


def normalise(text: str) -> str:
    """Simplified characters, lower case, full-width folded, spaces and punctuation removed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = simplified(text).lower()
    return "".join(_KEEP.findall(text)).replace("_", "")


def name_key(text: str) -> str:
    """The name as compared, not as shown: NFKC and every whitespace removed (full-width and half-width brackets,
    a stray space or a no-break space do not make two names)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def cut(text: str) -> list[str]:
    """jieba's accurate segmentation."""
    return list(jieba().cut(text))


def cut_for_search(text: str) -> list[str]:
    """jieba's search-mode segmentation: long words and their dictionary sub-words."""
    return list(jieba().cut_for_search(text))


def outermost(words: list[str]) -> list[str]:
    """The words not inside a longer one of them, in their order (监管部门, not 监管部门、监管; 许可证, not 许可证、许可)."""
    return [w for w in words if not any(w != other and w in other for other in words)]


def said_phrase(name: str, said: str, *, holding: list[str] | None = None) -> int:
    """The length of the longest run of `name`'s words (from one word boundary of the name to another) found whole in
    `said`, both normalised: 6 for 食品经营许可新办 in 「…食品经营许可证…」, 5 for 药品经营许可证核发 (经营许可证; 品经营许可证
    begins inside 药品). With `holding`, only a run holding one of those words counts (not 怎么办理 of a question)."""
    bounds = {0, len(name)}
    for word in cut_for_search(name):
        at = name.find(word)
        while at != -1:
            bounds |= {at, at + len(word)}
            at = name.find(word, at + 1)
    bounds = sorted(bounds)
    best = 0
    for i, start in enumerate(bounds):
        for end in reversed(bounds[i + 1 :]):
            if end - start <= best:
                break
            run = name[start:end]
            if run in said and (holding is None or any(w in run for w in holding)):
                best = end - start
                break
    return best


def pieces(text: str, size: int) -> set[str]:
    """Every `size`-character piece of the text (none if it is shorter)."""
    return {text[i : i + size] for i in range(len(text) - size + 1)}


def has_han(text: str) -> bool:
    return bool(_HAN.search(text or ""))


def pinyin(text: str, *, keep_other: bool = False) -> tuple[str, str]:
    """(full pinyin without tones or spaces, initials) of a text. Characters that are not Chinese are dropped, or
    with `keep_other` kept as they are in both ("12345热线" → "12345rexian", "12345rx")."""
    from pypinyin import Style, lazy_pinyin

    if keep_other:
        return "".join(lazy_pinyin(text)), "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """`normalise` of the text, with the index in `text` of each folded character."""
    chars = [unicodedata.normalize("NFKC", c) for c in text]
    joined = "".join(chars)
    converted = simplified(joined).lower()
    if len(converted) != len(joined):  # a conversion that changed the length: fold character by character
        pairs = [(c, i) for i, char in enumerate(text) for c in normalise(char)]
    else:
        owners = [i for i, c in enumerate(chars) for _ in c]
        pairs = [(c, owners[k]) for k, c in enumerate(converted) if c.isalnum()]  # what \w keeps, without "_"
    return "".join(c for c, _i in pairs), [i for _c, i in pairs]


def find_folded(text: str, needle: str) -> tuple[int, int] | None:
    """The span (start, end) of `text` whose normalised form holds `needle` (already normalised), or None.

    "营业执照(副本)" holds "执照副本" at (2, 7): the original characters, the bracket between included.
    """
    if not needle or not text:
        return None
    folded, where = _folded_with_positions(text)
    at = folded.find(needle)
    if at < 0:
        return None
    return where[at], where[at + len(needle) - 1] + 1


def needles(query: str) -> list[str]:
    """What to look for in a text to show why it matched a query: the whole (normalised) query, then its words,
    longest first (single characters only when there is nothing longer)."""
    q = normalise(query)
    if not q:
        return []
    found = {normalise(w) for w in cut_for_search(q)} - {"", q}
    if any(len(w) > 1 for w in found):
        found = {w for w in found if len(w) > 1}
    return [q, *sorted(found, key=lambda w: (-len(w), w))]


def excerpt(text: str, query: str, *, around: int = 24, look_for: list[str] | None = None):
    """(before, match, after) around the first place the text holds the query (or, failing that, one of its words),
    with at most `around` characters kept on each side ("…" where cut); None if it holds none of them."""
    if not text:
        return None
    folded, where = _folded_with_positions(text)
    for needle in needles(query) if look_for is None else look_for:
        at = folded.find(needle) if needle else -1
        if at < 0:
            continue
        start, end = where[at], where[at + len(needle) - 1] + 1
        left, right = max(0, start - around), min(len(text), end + around)
        before = ("…" if left else "") + text[left:start]
        return before, text[start:end], text[end:right] + ("…" if right < len(text) else "")
    return None
