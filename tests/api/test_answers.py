"""api.common.answer: an API answer made without pydantic's validation is the one validation gives (issue 20)."""

import datetime as dt

import pytest
from django.test import RequestFactory
from ninja import Schema

from zhengwu.api.common import answer


class _RowOut(Schema):
    number: str
    count: int
    on: dt.date | None
    note: str = ""
    tags: list[str] = []


def _json(response):
    import json

    return json.loads(response.content)


def test_the_answer_has_the_schema_keys_in_order_with_defaults_and_nothing_else(settings):
    settings.ZHENGWU_CHECK_ANSWERS = True
    request = RequestFactory().get("/api/x")
    out = answer(
        request, _RowOut, {"count": 3, "secret": "身份证号", "number": "A-1", "on": dt.date(2027, 2, 8)}
    )
    assert out.status_code == 200
    assert list(_json(out)) == ["number", "count", "on", "note", "tags"]
    assert _json(out) == {"number": "A-1", "count": 3, "on": "2027-02-08", "note": "", "tags": []}
    rows = answer(request, _RowOut, [{"number": "A-1", "count": 1, "on": None}], status=201)
    assert rows.status_code == 201 and _json(rows) == [
        {"number": "A-1", "count": 1, "on": None, "note": "", "tags": []}
    ]


def test_with_the_check_on_an_answer_that_validation_would_change_fails_the_request(settings):
    settings.ZHENGWU_CHECK_ANSWERS = True
    request = RequestFactory().get("/api/x")
    with pytest.raises(AssertionError, match="_RowOut"):
        answer(request, _RowOut, {"number": "A-1", "count": 3.0, "on": None})  # validation makes it 3
    settings.ZHENGWU_CHECK_ANSWERS = False  # as served: not checked, the value as given
    assert _json(answer(request, _RowOut, {"number": "A-1", "count": 3.0, "on": None}))["count"] == 3.0
