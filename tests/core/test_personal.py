"""core.personal: which form fields are personal, how each is shown, the reason a reveal needs, the reveal itself
(refused, counted, audited), and core.access.may_reveal_personal — who may reveal."""

import pytest
from django.test import RequestFactory

from tests.factories import make_centre, make_organisation, make_region, make_staff, make_user, make_window
from zhengwu.core import access, audit, personal
from zhengwu.core.errors import AccessDenied, ValidationFailed
from zhengwu.core.models import AuditRecord, Role
from zhengwu.core.ratelimit import TooManyRequests


@pytest.mark.parametrize(
    ("key", "rule", "kind"),
    [
        # the default form (cases.forms.DEFAULT_FORM) and the demo items
        ("contact_name", {"title": "联系人"}, "name"),
        ("contact_phone", {"title": "联系电话"}, "phone"),
        ("subject", {"title": "申请事项说明"}, None),
        ("remarks", {"title": "备注"}, None),
        ("treatment_place", {"title": "就医地(省、市、县)"}, None),
        ("premises_area", {"title": "经营场所面积(平方米)", "type": "number"}, None),
        # common names
        ("id_number", {"title": "号码"}, "id_number"),
        ("owner_phone", {"title": "业主"}, "phone"),
        ("home_address", {"title": "家"}, "address"),
        ("contact_email", {"title": "邮件"}, "email"),
        ("legal_representative", {"title": "法人"}, "name"),
        # Chinese titles
        ("guardian", {"title": "监护人姓名"}, "name"),
        ("doc", {"title": "身份证号码"}, "id_number"),
        ("mobile_no", {"title": "手机"}, "phone"),
        ("live", {"title": "家庭住址"}, "address"),
        ("mail", {"title": "电子邮箱"}, "email"),
        ("shop_name", {"title": "店铺名称"}, None),
        ("company", {"title": "企业名称"}, None),
        # the schema decides when it says
        ("owner", {"title": "经营者", "x-personal": "name"}, "name"),
        ("site_address", {"title": "经营场所地址", "x-personal": False}, None),
        ("contact_phone", {"title": "联系电话", "x-personal": False}, None),
    ],
)
def test_field_kind(key, rule, kind):
    assert personal.field_kind(key, rule) == kind


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("name", "欧阳娜娜", "欧***"),
        ("phone", "13912345678", "139****5678"),
        ("phone", "0701-3312345", "0701-****345"),
        ("id_number", "11010519491231002X", "110105********002X"),
        ("email", "zhangsan@example.com", "z***@example.com"),
        ("address", "江西省鹰潭市贵溪市雄石街道建设路18号", "江西省鹰潭市贵溪市雄石街道****"),
        (None, "开一家小吃店", "开一家小吃店"),
        (None, True, "是"),
        (None, 120.5, "120.5"),
        ("name", None, ""),
        ("phone", "", ""),
    ],
)
def test_a_field_is_shown_masked_unless_revealed(kind, value, shown):
    field = personal.Field("form", "x", "字段", kind, value)
    assert field.shown(revealed=False) == shown
    assert field.shown(revealed=True) == personal.mask(None, value)


def test_form_fields_follow_the_schema_and_name_what_a_reveal_shows():
    schema = {
        "type": "object",
        "properties": {
            "subject": {"type": "string", "title": "申请事项说明"},
            "contact_name": {"type": "string", "title": "联系人"},
            "contact_phone": {"type": "string", "title": "联系电话"},
        },
    }
    fields = personal.form_fields(
        schema, {"contact_phone": "13912345678", "subject": "开店", "contact_name": ""}
    )
    assert [f.key for f in fields] == ["subject", "contact_name", "contact_phone"]
    assert personal.personal_names(fields) == ["form.contact_phone"]  # an empty field is nothing to reveal
    assert personal.rows(fields, "form", revealed=False)[2] == {
        "key": "contact_phone",
        "label": "联系电话",
        "value": "139****5678",
        "personal": True,
    }


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "请填写查看完整信息的理由"),
        ("   \n ", "请填写查看完整信息的理由"),
        (None, "请填写查看完整信息的理由"),
        ("看", "至少 2 个字"),
        ("查" * 201, "不能超过 200 个字"),
    ],
)
def test_a_reveal_needs_a_reason(reason, error):
    with pytest.raises(ValidationFailed) as refused:
        personal.clean_reason(reason)
    assert error in refused.value.message and refused.value.field == "reason"


def test_a_reason_is_kept_with_its_blanks_folded():
    assert personal.clean_reason("  回访\n诉求人 ") == "回访 诉求人"


@pytest.fixture
def request_by(db):
    def make(user):
        request = RequestFactory().post("/")
        request.user = user
        return request

    return make


def test_a_reveal_writes_who_which_record_which_fields_and_why_never_the_values(request_by):
    region = make_region()
    viewer = make_user("clerk01")
    reason = personal.reveal(
        request_by(viewer),
        obj=region,
        fields=["form.contact_phone", "applicant.id_number", "form.contact_phone"],
        reason=" 核对申请人身份 ",
        allowed=True,
        label="360681-2026-000001",
    )
    assert reason == "核对申请人身份"
    record = AuditRecord.objects.get()
    assert (record.action, record.object_type, record.object_id, record.actor) == (
        "personal_data.view",
        "core.region",
        str(region.pk),
        viewer,
    )
    assert record.summary == {
        "fields": ["applicant.id_number", "form.contact_phone"],
        "reason": "核对申请人身份",
        "record": "360681-2026-000001",
    }
    assert audit.verify().ok


def test_a_reveal_not_allowed_or_without_a_reason_writes_nothing(request_by):
    region = make_region()
    viewer = make_user("clerk01")
    with pytest.raises(AccessDenied) as refused:
        personal.reveal(request_by(viewer), obj=region, fields=["x.y"], reason="核对身份", allowed=False)
    assert "不能查看完整个人信息" in refused.value.message and refused.value.status == 403
    with pytest.raises(ValidationFailed):
        personal.reveal(request_by(viewer), obj=region, fields=["x.y"], reason="", allowed=True)
    assert not AuditRecord.objects.exists()


def test_reveals_are_counted_per_person(request_by, monkeypatch, one_rate_window):
    monkeypatch.setattr(personal, "REVEAL_RATE", "3/h")
    region = make_region()
    first, second = make_user("clerk01"), make_user("clerk02")
    for _ in range(3):
        personal.reveal(request_by(first), obj=region, fields=["x.y"], reason="核对身份", allowed=True)
    with pytest.raises(TooManyRequests) as refused:
        personal.reveal(request_by(first), obj=region, fields=["x.y"], reason="核对身份", allowed=True)
    assert "每小时最多 3 次" in refused.value.message and refused.value.status == 429
    personal.reveal(request_by(second), obj=region, fields=["x.y"], reason="核对身份", allowed=True)
    assert AuditRecord.objects.count() == 4


@pytest.fixture
def county(db):
    """A county with a bureau (and a unit below it), another bureau, a centre with a window, and a second county."""
    province = make_region("360000", "江西省")
    city = make_region("360600", "鹰潭市", parent=province)
    here = make_region("360681", "贵溪市", parent=city)
    there = make_region("360602", "月湖区", parent=city)
    bureau = make_organisation("贵溪市市场监督管理局", region=here)
    unit = make_organisation("贵溪市市场监管局雄石所", parent=bureau, region=here)
    other = make_organisation("贵溪市水利局", region=here)
    elsewhere = make_organisation("月湖区市场监督管理局", region=there)
    centre = make_centre("贵溪市政务服务中心", here, managed_by=other)
    window = make_window(centre, "1")
    return {
        "here": here,
        "bureau": bureau,
        "unit": unit,
        "other": other,
        "elsewhere": elsewhere,
        "window": window,
    }


@pytest.mark.parametrize(
    ("who", "org", "roles", "at_window", "may"),
    [
        ("the bureau's approver", "bureau", [Role.APPROVER], False, True),
        ("the bureau's approver, for its unit", "bureau", [Role.APPROVER], False, True),
        ("the unit's approver, for the bureau", "unit", [Role.APPROVER], False, False),
        ("another bureau's approver", "other", [Role.APPROVER], False, False),
        ("the bureau's hotline operator", "bureau", [Role.HOTLINE_OPERATOR], False, False),
        ("the bureau's centre manager", "bureau", [Role.CENTRE_MANAGER], False, False),
        ("the receiving window's clerk", "other", [Role.WINDOW_CLERK], True, True),
        ("an approver at the receiving window", "other", [Role.APPROVER], True, False),
        ("a supervisor of the county", "other", [Role.SUPERVISOR], False, True),
        ("a supervisor of another county", "elsewhere", [Role.SUPERVISOR], False, False),
        ("an administrator", "bureau", [Role.ADMINISTRATOR], False, False),
    ],
)
def test_who_may_reveal(county, who, org, roles, at_window, may):
    staff = make_staff("viewer", county[org], roles=roles, window=county["window"] if at_window else None)
    target = county["unit"] if "for its unit" in who else county["bureau"]
    allowed = access.may_reveal_personal(
        staff.user,
        organisations=[target],
        roles=(Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD),
        window=county["window"],
        region=county["here"],
    )
    assert allowed is may, who


def test_no_staff_profile_no_reveal(county):
    superuser = make_user("root", is_superuser=True)
    assert not access.may_reveal_personal(
        superuser, organisations=[county["bureau"]], roles=tuple(Role.values)
    )
    assert not access.may_reveal_personal(None, organisations=[county["bureau"]], roles=tuple(Role.values))
