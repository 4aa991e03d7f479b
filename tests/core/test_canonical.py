"""The canonical text hashed into the audit chain and the append-only rows' digests: a chain written by earlier code
must verify under later code, so the text of every kind of value stays exactly what it was."""

import datetime as dt
import json
from decimal import Decimal

from zhengwu.core.canonical import canonical

TRICKY = [
    "",
    "饶亚芬",
    'say "hi"',
    "back\\slash",
    "line\nbreak\ttab\r",
    "\x00\x1f\x7f",
    "\u2028\u2029",
    "😀",
    "\ud800",
]


def test_texts_are_the_json_they_always_were():
    for text in TRICKY:
        assert canonical(text) == json.dumps(text, ensure_ascii=False), repr(text)
        assert canonical({text: 1}) == "{" + json.dumps(text, ensure_ascii=False) + ":1}", repr(text)


def test_a_record_reads_as_it_did_when_the_chain_was_written():
    value = {
        "b": [1, 2.5, None, True, False, 0.0, -0.0, 1e23, Decimal("1.50")],
        "a": '引号"\\\n\t\u2028\x00😀',
        "c": {"z": False, 3: "three"},
        "d": dt.date(2026, 12, 2),
    }
    # the text the code before encode_basestring gave (json.dumps at each string)
    assert canonical(value) == (
        '{"a":"引号\\"\\\\\\n\\t\u2028\\u0000😀","b":[1,2.5,null,true,false,0,0,100000000000000000000000,"1.50"],'
        '"c":{"3":"three","z":false},"d":"2026-12-02"}'
    )
