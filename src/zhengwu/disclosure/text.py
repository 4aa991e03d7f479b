"""Text for search and display: the publications' search tokens and query terms (folding and jieba from
core.text), safe rich text."""

from __future__ import annotations

import html
import re

from zhengwu.core import text as core_text

_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
_TAGS = re.compile(r"<[^>]+>")


def simplified(text: str) -> str:
    """Traditional characters folded to Simplified, lower case, full-width ASCII halved."""
    return core_text.fold(text)


def _pieces(token: str) -> list[str]:
    """Split a jieba token at changes of script so every piece is all-CJK or all-ASCII letters and digits."""
    return _WORD.findall(token)


def index_tokens(text: str) -> list[str]:
    """Distinct search tokens of a document (fine-grained: words and their dictionary sub-words)."""
    seen: dict[str, None] = {}
    for token in core_text.cut_for_search(simplified(text)):
        for piece in _pieces(token):
            seen.setdefault(piece, None)
    return list(seen)


def query_terms(query: str) -> list[tuple[str, tuple[str, ...]]]:
    """The query's words, each with the finer sub-words that may stand for it: [(word, (sub, ...)), ...]."""
    terms: list[tuple[str, tuple[str, ...]]] = []
    seen = set()
    for token in core_text.cut(simplified(query)):
        for word in _pieces(token):
            if word in seen:
                continue
            seen.add(word)
            subs = tuple(s for p in core_text.cut_for_search(word) for s in _pieces(p) if s != word)
            # Only a cover of the word by sub-words may stand for it; a partial one would widen the match.
            if subs and "".join(dict.fromkeys(subs)) != word and not _covers(word, subs):
                subs = ()
            terms.append((word, subs))
    return terms


def _covers(word: str, subs: tuple[str, ...]) -> bool:
    covered = [False] * len(word)
    for s in subs:
        at = word.find(s)
        while at >= 0:
            for i in range(at, at + len(s)):
                covered[i] = True
            at = word.find(s, at + 1)
    return all(covered)


# The tags and attributes a publication body may keep; everything else is dropped, text kept.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "blockquote",
    "span",
    "div",
    "sub",
    "sup",
    "hr",
}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
ALLOWED_ATTRS = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_SAFE_URL = re.compile(r"^(https?:|mailto:|/|#)", re.I)


_MARKUP = re.compile(r"<[A-Za-z/!]")


def paragraphs(typed: str) -> str:
    """Plain text (no tags) as one paragraph a line, escaped; markup is returned as it is. The 正文 box takes
    either: typed lines otherwise ran together into one paragraph in review and on the portal."""
    if not typed or _MARKUP.search(typed):
        return typed or ""
    lines = (line.strip() for line in typed.splitlines())
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)


def sanitise(markup: str) -> str:
    """Rich text reduced to a safe set of tags and attributes (no scripts, styles, events or javascript: links);
    plain text becomes paragraphs, one a line."""
    import tinyhtml5

    markup = paragraphs(markup)
    root = tinyhtml5.parse(f"<div>{markup or ''}</div>", namespace_html_elements=False)
    body = root.find("body")
    container = body[0] if body is not None and len(body) else None
    if container is None:
        return ""
    return "".join(_serialise_children(container))


def _serialise_children(element):
    if element.text:
        yield html.escape(element.text, quote=False)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in DROP_WITH_CONTENT:
            pass
        elif tag in ALLOWED_TAGS:
            attrs = []
            for name, value in child.attrib.items():
                if name in ALLOWED_ATTRS.get(tag, ()):
                    if name == "href" and not _SAFE_URL.match(value.strip()):
                        continue
                    attrs.append(f' {name}="{html.escape(value)}"')
            inner = "".join(_serialise_children(child))
            if tag in ("br", "hr"):
                yield f"<{tag}>"
            else:
                rel = ' rel="noopener noreferrer"' if tag == "a" else ""
                yield f"<{tag}{''.join(attrs)}{rel}>{inner}</{tag}>"
        elif tag:
            yield from _serialise_children(child)
        if child.tail:
            yield html.escape(child.tail, quote=False)


def plain(markup: str) -> str:
    """The text of rich text, for search and summaries."""
    return html.unescape(_TAGS.sub(" ", markup or ""))
