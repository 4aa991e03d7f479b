"""The rules of a bundle, as plain functions over plain values (no database): the joint time limit and its legal cap,
the shape of stages and prerequisites, and the merged form and material list.

The joint time limit of a bundle is counted the way its members run: a stage starts when the previous stage is due;
a member starts with its stage, or later when a member it needs (in the same stage) is due later; a stage is due
when its last member is. So the bundle's legal limit is the longest such path of the members' legal limits, and its
promised limit the same over promised limits — the seeds' "联合审批事项的办结时限,不得超过承诺时限最长的部门的承诺时限"
within one stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Errors = list[tuple[str, str]]

# 行政许可法 第二十六条 (两个以上部门分别实施的行政许可统一办理、联合办理、集中办理) with 第四十二条第二款: such handling
# "办理的时间不得超过四十五日;四十五日内不能办结的,经本级人民政府负责人批准,可以延长十五日".
JOINT_CAP = 45
JOINT_EXTENSION = 15
# 行政许可法 第八十二条: 本法规定的行政机关实施行政许可的期限以工作日计算,不含法定节假日.
CAP_UNIT = "workdays"
CAP_CITATION = gettext_lazy("《中华人民共和国行政许可法》第二十六条、第四十二条第二款、第八十二条")
CAP_TEXT = gettext_lazy(
    "依照本法第二十六条的规定,行政许可采取统一办理或者联合办理、集中办理的,办理的时间不得超过四十五日;"
    "四十五日内不能办结的,经本级人民政府负责人批准,可以延长十五日,并应当将延长期限的理由告知申请人。"
)


@dataclass
class Member:
    """What the rules need of a member: its key (position), stage, limits and the keys of the members it needs."""

    key: int
    stage: int
    legal: int
    promised: int
    needs: list[int] = field(default_factory=list)
    name: str = ""


def check_shape(members: list[Member], stage_count: int) -> Errors:
    """Stages numbered 1..n with at least one member each; prerequisites name other members of an earlier or the
    same stage, with no cycle."""
    errors: Errors = []
    if len(members) < 2:
        errors.append(("members", _("一件事至少包含两个成员事项")))
        return errors
    keys = {m.key: m for m in members}
    stages = sorted({m.stage for m in members})
    if stages != list(range(1, len(stages) + 1)):
        errors.append(("members", _("阶段须从第1阶段起连续编号,每个阶段至少一个事项")))
    if stage_count and stage_count != len(stages):
        errors.append(
            ("stages", _("阶段名称有%(n)d个,成员事项分在%(m)d个阶段") % {"n": stage_count, "m": len(stages)})
        )
    for m in members:
        for need in m.needs:
            other = keys.get(need)
            if other is None or other.key == m.key:
                errors.append(
                    (f"members.{m.key}.needs", _("「%(n)s」的前置事项不是本一件事的其他成员") % {"n": m.name})
                )
            elif other.stage > m.stage:
                errors.append(
                    (
                        f"members.{m.key}.needs",
                        _("「%(n)s」的前置事项「%(o)s」在更后的阶段,无法先取得其结果")
                        % {"n": m.name, "o": other.name},
                    )
                )
    if not errors and _has_cycle(members):
        errors.append(("members", _("前置事项相互依赖,形成循环")))
    return errors


def _has_cycle(members: list[Member]) -> bool:
    needs = {m.key: list(m.needs) for m in members}
    state: dict[int, int] = {}

    def visit(key: int) -> bool:
        if state.get(key) == 1:
            return True
        if state.get(key) == 2:
            return False
        state[key] = 1
        if any(visit(n) for n in needs.get(key, []) if n in needs):
            return True
        state[key] = 2
        return False

    return any(visit(k) for k in needs)


def finish_days(members: list[Member], *, promised: bool = False) -> dict[int, int]:
    """For each member, the working days after acceptance by which it must be done (see the module's docstring)."""
    limit = (lambda m: m.promised) if promised else (lambda m: m.legal)
    by_key = {m.key: m for m in members}
    finish: dict[int, int] = {}
    stage_start = 0
    for stage in sorted({m.stage for m in members}):
        in_stage = [m for m in members if m.stage == stage]

        def done(
            m: Member, seen: frozenset = frozenset(), stage: int = stage, stage_start: int = stage_start
        ) -> int:
            if m.key in finish:
                return finish[m.key]
            start = stage_start
            for need in m.needs:
                other = by_key.get(need)
                if other is None or other.key in seen:
                    continue
                if other.stage == stage:
                    start = max(start, done(other, seen | {m.key}))
                else:
                    start = max(start, finish.get(need, 0))
            finish[m.key] = start + limit(m)
            return finish[m.key]

        for m in in_stage:
            done(m)
        stage_start = max(finish[m.key] for m in in_stage)
    return finish


def joint_limit(members: list[Member], *, promised: bool = False) -> int:
    """The bundle's joint limit in working days: when its last member of its last stage is due."""
    days = finish_days(members, promised=promised)
    return max(days.values()) if days else 0


def check_cap(members: list[Member], *, extension_approval: str = "") -> Errors:
    """Refuse a bundle whose joint legal limit exceeds the cap of 行政许可法 第四十二条第二款 (45 working days, 60
    with the approval of the head of the people's government at this level, named in `extension_approval`)."""
    legal = joint_limit(members)
    cap = JOINT_CAP + (JOINT_EXTENSION if extension_approval.strip() else 0)
    if legal <= cap:
        return []
    if extension_approval.strip() or legal > JOINT_CAP + JOINT_EXTENSION:
        message = _(
            "各成员事项按阶段合计的法定时限为%(d)d个工作日,超过%(law)s规定的联合办理时限%(cap)d日"
            "(经本级人民政府负责人批准最多延长十五日,即%(max)d日)"
        )
    else:
        message = _(
            "各成员事项按阶段合计的法定时限为%(d)d个工作日,超过%(law)s规定的联合办理时限%(cap)d日;"
            "如确需延长,请填写本级人民政府负责人批准延长十五日的批准文件"
        )
    return [
        (
            "members",
            message % {"d": legal, "law": CAP_CITATION, "cap": cap, "max": JOINT_CAP + JOINT_EXTENSION},
        )
    ]


def _plain(name: str) -> str:
    return re.sub(r"[\s()()【】\[\]]", "", name or "")


def merged_materials(members: list[dict]) -> list[dict]:
    """One list of what the applicant brings: a material several members need (same name) asked once; a material
    that is a prerequisite member's result (e.g. 营业执照 from 企业登记) is marked as obtained from that member,
    not uploaded; a material every member using it obtains itself by data sharing (catalogue source `shared`,
    部门共享获取) is marked `by_sharing`, not asked of the applicant either. `members` are dicts {key, name,
    organisation, result_name, needs, materials: [{position, name, required, source}]}."""
    by_key = {m["key"]: m for m in members}
    merged: list[dict] = []
    index: dict[str, dict] = {}
    for m in members:
        results = {
            _plain(by_key[n]["result_name"]): by_key[n]
            for n in m.get("needs", [])
            if n in by_key and by_key[n].get("result_name")
        }
        for mat in m["materials"]:
            plain = _plain(mat["name"])
            source = next(
                (src for res, src in results.items() if res and (res == plain or res in plain)), None
            )
            entry = index.get(plain)
            if entry is None:
                entry = {
                    "name": mat["name"],
                    "required": bool(mat.get("required", True)),
                    "members": [],
                    "from_member": None,
                    "from_member_name": "",
                    "by_sharing": True,
                }
                index[plain] = entry
                merged.append(entry)
            entry["required"] = entry["required"] or bool(mat.get("required", True))
            # one member asking the applicant for it is enough for the applicant to bring it
            entry["by_sharing"] = entry["by_sharing"] and mat.get("source") == "shared"
            entry["members"].append({"key": m["key"], "name": m["name"], "position": mat["position"]})
            if source is not None and entry["from_member"] is None:
                entry["from_member"], entry["from_member_name"] = source["key"], source["name"]
    for position, entry in enumerate(merged, start=1):
        entry["position"] = position
        entry["shared"] = len(entry["members"]) > 1
    return merged


def sharing_now(merged: list[dict], sources: dict[tuple[int, int], str]) -> list[dict]:
    """The merged material list with `by_sharing` read again from what the members' material lists say now
    (`sources`: (member key, the member's material position) → its catalogue source). The list is merged when the
    bundle version is made; a material a department has since come to obtain by data sharing (部门共享获取) is no
    longer asked of the applicant, and one it no longer obtains so is asked again, without republishing the
    bundle. An entry with a member material no longer known keeps what was merged."""
    out = []
    for entry in merged:
        found = [sources.get((use["key"], use["position"])) for use in entry["members"]]
        if found and None not in found:
            entry = {**entry, "by_sharing": all(source == "shared" for source in found)}
        out.append(entry)
    return out


def merged_form(members: list[dict]) -> list[dict]:
    """One form: each field (by its key in the members' form schemas) asked once, with the members that use it.
    `members` are dicts {key, name, schema}; a schema is a JSON schema of an object (or empty)."""
    fields: list[dict] = []
    index: dict[str, dict] = {}
    for m in members:
        schema = m.get("schema") or {}
        required = set(schema.get("required") or [])
        for name, prop in (schema.get("properties") or {}).items():
            entry = index.get(name)
            if entry is None:
                entry = {
                    "key": name,
                    "title": prop.get("title", name),
                    "schema": prop,
                    "required": False,
                    "members": [],
                }
                index[name] = entry
                fields.append(entry)
            elif prop.get("enum") and entry["schema"].get("enum"):
                # a field several members ask with choices: only the choices every one of them accepts
                theirs = set(prop["enum"])
                entry["schema"] = {
                    **entry["schema"],
                    "enum": [c for c in entry["schema"]["enum"] if c in theirs],
                }
            elif prop.get("enum"):
                entry["schema"] = {**entry["schema"], "enum": list(prop["enum"])}
            entry["required"] = entry["required"] or name in required
            entry["members"].append(m["key"])
    for entry in fields:
        entry["shared"] = len(entry["members"]) > 1
    return fields
