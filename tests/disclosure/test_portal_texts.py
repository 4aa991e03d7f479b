"""Every word the requester reads on the portal's request and tracking pages, and the officer on the request's
workbench page, goes through translation: nothing in Chinese is left in those templates outside {% translate %} /
{% blocktranslate %}."""

import re
from pathlib import Path

import pytest

import zhengwu

TEMPLATES = Path(zhengwu.__file__).parent / "disclosure" / "templates" / "disclosure"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
_TRANSLATED = re.compile(
    r"{%\s*blocktranslate\b.*?%}.*?{%\s*endblocktranslate\s*%}|{%\s*translate\s.*?%}|{%\s*comment\s*%}.*?"
    r"{%\s*endcomment\s*%}|{#.*?#}",
    re.S,
)
_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)  # a filter's date format (Y年n月j日) is not text on the page


def untranslated(source: str) -> list[str]:
    """The runs of Chinese left in a template once its translated texts and its tags are taken out."""
    return CJK.findall(_TAG.sub("", _TRANSLATED.sub("", source)))


def test_the_check_finds_text_left_bare():
    assert untranslated('<h1>申请查询</h1>{% translate "查询" %}{{ d|date:"Y年n月j日" }}') == ["申请查询"]
    assert untranslated('<a title="撤回">{% blocktranslate %}第{{ n }}版{% endblocktranslate %}</a>') == [
        "撤回"
    ]


@pytest.mark.parametrize(
    "name",
    [
        "portal/request_form.html",
        "portal/track.html",
        "portal/request_done.html",
        "portal/_nav.html",
        "workbench/request.html",
    ],
)
def test_request_and_track_pages_have_no_text_outside_translation(name):
    assert untranslated((TEMPLATES / name).read_text(encoding="utf-8")) == []
