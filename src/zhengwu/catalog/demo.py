"""Load the demo county's catalogue (data/demo/*.json) through the services: create, submit, publish.

Idempotent: an item already published with the same content is left alone; one whose file changed gets a new
version. Organisations are found by short name in the demo region (贵溪市, 360681). A file's "windows" (written
"贵溪市政务服务中心28号窗口", the department's own counter in the demo county's centres, see core's demo data) are
where its items are handled, unless an item names its own; they must exist, so the county is loaded first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from zhengwu.catalog import rules, services, specs
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.errors import DomainError
from zhengwu.core.models import Organisation

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"
DEMO_REGION = "360681"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"新增{len(self.created)}项,更新{len(self.revised)}项,未变{len(self.unchanged)}项,"
            f"问题{len(self.problems)}处"
        )


def load_demo_catalogue(files: list[Path | str] | None = None) -> LoadReport:
    """Create and publish every item in the demo files (default: data/demo/*.json); report what was done."""
    report = LoadReport()
    with specs.windows_read_once():
        for path in files if files is not None else sorted(DEMO_DIR.glob("*.json")):
            _load_file(Path(path), report)
    return report


def _load_file(path: Path, report: LoadReport) -> None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        report.problems.append(f"{path.name}: 无法读取({exc})")
        return
    short_name = data.get("organisation", "")
    organisation = Organisation.objects.filter(short_name=short_name, region__code=DEMO_REGION).first()
    if organisation is None:
        report.problems.append(f"{path.name}: 在{DEMO_REGION}找不到简称为「{short_name}」的机构")
        return
    windows = data.get("windows") or []
    for i, raw in enumerate(data.get("items") or []):
        where = f"{path.name} items[{i}]「{raw.get('name', '')}」"
        raw = {"windows": windows, **raw}
        try:
            _load_item(organisation, raw, where, report)
        except DomainError as exc:
            details = getattr(exc, "errors", None) or [(exc.field, exc.message)]
            report.problems += [f"{where} {f or ''}: {m}" for f, m in details]


def _find(organisation: Organisation, spec: dict) -> ServiceItem | None:
    if spec.get("basic_code"):
        return ServiceItem.objects.filter(
            code=rules.implementation_code(organisation.uscc, spec["basic_code"])
        ).first()
    return (
        ServiceItem.objects.filter(
            organisation=organisation,
            versions__name=spec.get("name", "").strip(),
            versions__sub_name=(spec.get("sub_name") or "").strip(),
        )
        .order_by("pk")
        .first()
    )


def _load_item(organisation: Organisation, raw: dict, where: str, report: LoadReport) -> None:
    item = _find(organisation, raw)
    if item is None:
        version = services.create_item(spec=raw, organisation=organisation)
        item = version.item
        services.submit(item=item)
        services.publish(item=item, reason="演示数据")
        report.created.append(item.code)
        return
    spec = {**raw, "basic_code": item.basic_code, "type": raw.get("type") or item.item_type}
    current = item.current_version
    if current is not None and specs.comparable(specs.from_version(current)) == specs.comparable(spec):
        report.unchanged.append(item.code)
        return
    services.edit_item(item=item, spec=spec, reason="演示数据更新")
    services.submit(item=item)
    services.publish(item=item, reason="演示数据更新")
    report.revised.append(item.code)


def load_demo() -> str:
    """The demo catalogue for `zhengwu demo`: a one-line summary, with every problem listed after it."""
    report = load_demo_catalogue()
    return "\n".join([f"事项目录 {report}", *(f"  ! {p}" for p in report.problems)])
