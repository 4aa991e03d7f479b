"""Select boxes start with 请选择, never Django's "---------": in the shared form class, and in every portal and
workbench form as the pages render it."""

import importlib
import pkgutil

import pytest
from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH

from tests.factories import make_organisation, make_region
from zhengwu.core.forms import AccessibleForm
from zhengwu.core.models import Organisation

pytestmark = pytest.mark.django_db


class Sample(AccessibleForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())
    optional = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False, empty_label="—")
    kind = forms.ChoiceField(choices=[*BLANK_CHOICE_DASH, ("a", "甲类")])
    several = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all(), required=False)
    typed = forms.ChoiceField(choices=[("a", "甲类"), ("b", "乙类")])


def test_the_blank_option_of_every_select_reads_choose():
    make_organisation("贵溪市市场监督管理局", region=make_region("360681", "贵溪市"))
    html = str(Sample())
    assert "---------" not in html and "—" not in html
    assert html.count('<option value="" selected>请选择</option>') == 3
    assert "贵溪市市场监督管理局" in html and "甲类" in html
    assert 'name="typed"' in html and html.split('name="typed"')[1].count("请选择") == 0  # no blank added


def portal_and_workbench_forms():
    """Every form class in the portal's and the workbench's form modules."""
    found = []
    for package in ("zhengwu.portal", "zhengwu.workbench"):
        for module in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
            if module.name.endswith(".forms"):
                found += [
                    value
                    for value in vars(importlib.import_module(module.name)).values()
                    if isinstance(value, type)
                    and issubclass(value, forms.Form)
                    and value is not AccessibleForm
                ]
    return sorted(set(found), key=lambda cls: (cls.__module__, cls.__name__))


def test_no_portal_or_workbench_form_shows_the_dash_line():
    make_organisation("贵溪市市场监督管理局", region=make_region("360681", "贵溪市"))
    rendered = 0
    for form_class in portal_and_workbench_forms():
        try:
            form = form_class()
        except TypeError:  # a form built for one record (an item's application form): its pages are crawled
            continue
        html = str(form)
        assert "---------" not in html, f"{form_class.__module__}.{form_class.__name__} shows ---------"
        rendered += 1
    assert rendered >= 10


def test_a_text_too_long_or_an_email_that_is_not_one_is_said_naming_the_field():
    """Django's own words reached people: 确保该变量包含不超过 100 字符 (目前字符数 3000), 输入一个有效的 Email 地址."""
    from django import forms

    from zhengwu.core.forms import AccessibleForm, ServiceForm

    for base in (AccessibleForm, ServiceForm):

        class Form(base):
            name = forms.CharField(label="申请人姓名或名称", max_length=100, required=False)
            email = forms.EmailField(label="电子邮箱", required=False)

        form = Form({"name": "名" * 3000, "email": "not-an-address"})
        assert not form.is_valid()
        assert form.errors["name"] == ["「申请人姓名或名称」最长 100 个字,现有 3000 个字"]
        assert form.errors["email"] == ["「电子邮箱」不是有效的电子邮箱地址"]
