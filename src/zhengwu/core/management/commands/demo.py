import importlib
import importlib.util
import unicodedata

from django.apps import apps
from django.core.management.base import BaseCommand

from zhengwu.core.demo import DemoSummary, demo_password, load_demo


def _width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_table(summary: DemoSummary) -> str:
    """The demo logins as an aligned text table: role, user name, name, organisation, window, what it is for."""
    header = ("角色", "用户名", "姓名", "所在机构", "窗口", "用途")
    rows = [
        ("、".join(login.roles), login.username, login.name, login.organisation, login.window, login.purpose)
        for login in summary.logins
    ]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    rule = "-" * _width(lines[0])
    return "\n".join([lines[0], rule, *lines[1:]])


def _domain_demo_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("zhengwu.") or config.label == "core":
            continue
        module_name = f"{config.name}.demo"
        if importlib.util.find_spec(module_name) is not None:
            yield config.label, importlib.import_module(module_name)


def domain_logins() -> list:
    """The logins a domain's demo made beyond the county's staff (the portal's applicants): each domain's
    `demo_logins()`, in INSTALLED_APPS order."""
    logins = []
    for _label, module in _domain_demo_modules():
        found = getattr(module, "demo_logins", None)
        if callable(found):
            logins.extend(found())
    return logins


def load_domain_demos() -> list[str]:
    """Each domain that has demo data keeps it in `zhengwu.<domain>.demo.load_demo()` (returning a one-line summary);
    they load after the county, in INSTALLED_APPS order, so core never imports a domain by name. A domain whose
    definitions other domains' demo records go through (the licence types a grant issues) keeps them in
    `load_demo_definitions()`, run right after the catalogue and before any domain's records: the demo's grants
    then issue their licences on the same path as a real grant, whatever the order of the apps."""
    modules = list(_domain_demo_modules())
    lines = []
    ordered = [m for m in modules if m[0] == "catalog"] + [m for m in modules if m[0] != "catalog"]
    for label, module in ordered:
        loader = getattr(module, "load_demo" if label == "catalog" else "load_demo_definitions", None)
        if callable(loader) and (line := loader()):
            lines.append(str(line))
    for label, module in modules:
        loader = getattr(module, "load_demo", None)
        if callable(loader) and label != "catalog":
            lines.append(str(loader()))
    from zhengwu.core import audit

    audit.seal()  # the demo's records are in the chain when it has loaded, whether or not a task worker runs
    return lines


class Command(BaseCommand):
    help = "载入(或刷新)演示县:贵溪市的区划、机构、服务中心、窗口和各角色工作人员;可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords", action="store_true", help="把已存在的演示账号密码恢复为演示密码"
        )

    def handle(self, *args, reset_passwords: bool = False, **options):
        summary = load_demo(reset_passwords=reset_passwords)
        if summary.changed_anything:
            self.stdout.write(
                f"演示县已载入:新建 {summary.created} 条,更新 {summary.updated} 条,"
                f"设置窗口进驻机构和人员角色 {summary.links_set} 项,未变 {summary.unchanged} 条。"
            )
        else:
            self.stdout.write(f"演示县已是最新({summary.unchanged} 条记录),未作任何修改。")
        for line in load_domain_demos():
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"演示账号(工作台 /workbench/ 登录,密码均为 {demo_password()}):")
        )
        self.stdout.write(login_table(summary))
        portal = domain_logins()
        if portal:
            self.stdout.write("")
            self.stdout.write(
                self.style.SUCCESS(
                    f"门户账号(政务服务门户 /cases/signin/ 个人登录、/cases/signin/legal/ 法人登录,"
                    f"用户名填证件号码,密码均为 {demo_password()}):"
                )
            )
            self.stdout.write(login_table(DemoSummary(logins=portal)))
        if not reset_passwords:
            self.stdout.write(
                "(已存在的账号不会重置密码;若改过密码,运行 `zhengwu demo --reset-passwords` 恢复。)"
            )
