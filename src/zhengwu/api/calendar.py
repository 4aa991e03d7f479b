"""Working-day calendar API: count working days, check a date, list and load years' holiday arrangements."""

import datetime as dt
import json

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from zhengwu.api.common import ErrorOut, signed_in
from zhengwu.core import calendar
from zhengwu.core.access import require_role
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.models import Role

router = Router()

# Query values are taken as text and parsed by the calendar, so bad input answers 422 {code, message, field}.
_DATE = "日期,写作 YYYY-MM-DD(必填)"


class AddOut(Schema):
    date: dt.date
    provisional: bool


class CountOut(Schema):
    workdays: int
    provisional: bool


class CheckOut(Schema):
    date: dt.date
    workday: bool
    kind: str
    holiday_name: str | None = None
    provisional: bool


class YearOut(Schema):
    year: int
    source: str
    basis: str
    loaded_at: dt.datetime | None = None


class SpecialDayOut(Schema):
    date: dt.date
    kind: str
    name: str | None = None


class YearDetailOut(YearOut):
    holidays: list[SpecialDayOut]
    workdays: list[SpecialDayOut]


def _days(value: str | None) -> int:
    if value is None or value.strip() == "":
        raise ValidationFailed(_("缺少工作日数 days"), field="days")
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(_("工作日数「%(value)s」不是整数") % {"value": value}, field="days") from None


def _year_out(source: calendar.YearSource) -> dict:
    return {
        "year": source.year,
        "source": source.origin.value,
        "basis": source.basis,
        "loaded_at": source.loaded_at,
    }


@router.get("/add", response={200: AddOut, 422: ErrorOut}, summary="推算:某日之后第 N 个工作日", auth=None)
def add(
    request,
    date: str | None = Query(None, description=_DATE),
    days: str | None = Query(None, description="工作日数,不小于 0 的整数(必填)"),
):
    """The n-th working day after `date`, `date` itself not counted; days = 0 gives `date`."""
    result = calendar.add_workdays(calendar.parse_date(date, field="date"), _days(days))
    return {"date": result.value, "provisional": result.provisional}


@router.get(
    "/count",
    response={200: CountOut, 422: ErrorOut},
    summary="计数:start 之后至 end(含)的工作日数",
    auth=None,
)
def count(
    request,
    start: str | None = Query(None, description="开始日期(不计入),YYYY-MM-DD(必填)"),
    end: str | None = Query(None, description="结束日期(计入),YYYY-MM-DD(必填)"),
):
    """The number of working days w with start < w ≤ end; negative when start is after end."""
    result = calendar.workdays_between(
        calendar.parse_date(start, field="start", label=_("开始日期")),
        calendar.parse_date(end, field="end", label=_("结束日期")),
    )
    return {"workdays": result.value, "provisional": result.provisional}


@router.get("/check", response={200: CheckOut, 422: ErrorOut}, summary="判断某日是否为工作日", auth=None)
def check(request, date: str | None = Query(None, description=_DATE)):
    """Whether the date is a working day; kind is workday, adjusted_workday, holiday or weekend."""
    result = calendar.is_workday(calendar.parse_date(date, field="date"))
    return {
        "date": result.date,
        "workday": result.workday,
        "kind": result.kind.value,
        "holiday_name": result.name,
        "provisional": result.provisional,
    }


@router.get("/years", response=list[YearOut], summary="已知节假日安排的年份及其来源", auth=None)
def years(request):
    """Every year whose arrangement is known: source is `library` (chinesecalendar) or `loaded` (an administrator)."""
    return [_year_out(source) for source in calendar.known_years()]


@router.get(
    "/years/{year}",
    response={200: YearDetailOut, 404: ErrorOut},
    summary="某年的法定节假日和调休上班日",
    auth=None,
)
def year_detail(request, year: int):
    """One known year's holidays and adjusted working days."""
    current = calendar.current_calendar()
    if not current.knows(year):
        raise NotFound(
            _("%(year)s 年的节假日安排尚未载入,按周一至周五计算工作日(结果为暂定)") % {"year": year},
            field="year",
        )
    days = current.year_days(year)
    out = [{"date": d.date, "kind": d.kind.value, "name": d.name} for d in days]
    return {
        **_year_out(current.years[year]),
        "holidays": [d for d in out if d["kind"] == calendar.DayKind.HOLIDAY],
        "workdays": [d for d in out if d["kind"] == calendar.DayKind.ADJUSTED_WORKDAY],
    }


_YEAR_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["year", "holidays"],
                    "properties": {
                        "year": {"type": "integer", "example": 2027},
                        "holidays": {"type": "array", "items": {"type": "string", "format": "date"}},
                        "workdays": {"type": "array", "items": {"type": "string", "format": "date"}},
                        "source": {"type": "string", "example": "国办发明电〔2026〕×号"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/years",
    response={201: YearOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="载入某年的节假日安排(系统管理员)",
    auth=signed_in,
    openapi_extra=_YEAR_BODY,
)
def load_year(request):
    """Load (or replace) a year's holidays and adjusted working days; it overrides chinesecalendar for that year."""
    require_role(request.user, Role.ADMINISTRATOR)
    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationFailed(_("请求体不是有效的 JSON")) from None
    row = calendar.load_year(**calendar.parse_year_document(data), by=request.user)
    return Status(201, _year_out(calendar.current_calendar().years[row.year]))
