"""The handling steps drawn as an SVG flowchart, server-side: one box per step, top to bottom, with arrows.

The drawing is an image with its own <title> and <desc> (the steps in words), so a screen reader hears the same
as a sighted reader sees; pages also list the steps as text next to it.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from zhengwu.catalog import rules

WIDTH = 360
BOX_HEIGHT = 58
GAP = 30
MARGIN = 12
_ROLE_FILL = {
    "window_clerk": "#e7f1ff",
    "approver": "#fff4e0",
    "department_head": "#e8f6ec",
    "centre_manager": "#f1e9fb",
}


def _kind_note(step) -> str:
    """What a step's kind adds to its description: the decision, and what follows it."""
    notes = {"decide": _("作出决定"), "produce": _("决定后制证"), "deliver": _("决定后送达")}
    return notes.get(step.get("kind") or "", "")


def describe(steps) -> str:
    """The steps in one sentence: 「受理(窗口工作人员,1个工作日)→ 审查(…)→ 决定(部门负责人,1个工作日,作出决定)」."""
    return " → ".join(
        _("%(name)s(%(role)s,%(days)s个工作日%(note)s)")
        % {
            "name": s["name"],
            "role": rules.STEP_ROLES.get(s["role"], s["role"]),
            "days": s["days"],
            "note": f",{_kind_note(s)}" if _kind_note(s) else "",
        }
        for s in steps
    )


def steps_svg(steps: list[dict], *, title: str, id_prefix: str = "flow") -> SafeString:
    """An accessible SVG of the steps ({name, role, days} dicts, in order), ready to put into a page or PDF."""
    count = max(len(steps), 1)
    height = MARGIN * 2 + count * BOX_HEIGHT + (count - 1) * GAP
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="zw-flowchart" role="img" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(describe(steps) or _("没有办理环节"))}</desc>',
        f'<defs><marker id="{id_prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#1f3b63"/></marker></defs>',
    ]
    x, box_width = MARGIN, WIDTH - 2 * MARGIN
    for i, step in enumerate(steps):
        y = MARGIN + i * (BOX_HEIGHT + GAP)
        fill = _ROLE_FILL.get(step["role"], "#f4f4f4")
        role = rules.STEP_ROLES.get(step["role"], step["role"])
        parts += [
            f'<rect x="{x}" y="{y}" width="{box_width}" height="{BOX_HEIGHT}" rx="8" fill="{fill}" '
            'stroke="#1f3b63" stroke-width="1.5"/>',
            f'<text x="{WIDTH / 2}" y="{y + 24}" text-anchor="middle" font-family="Noto Sans CJK SC, sans-serif" font-size="16" font-weight="bold" '
            f'fill="#111">{i + 1}. {escape(step["name"])}</text>',
            f'<text x="{WIDTH / 2}" y="{y + 45}" text-anchor="middle" font-family="Noto Sans CJK SC, sans-serif" font-size="13" fill="#333">'
            f"{escape(role)} · {escape(_('%(d)s个工作日') % {'d': step['days']})}"
            f"{escape(' · ' + _kind_note(step)) if _kind_note(step) else ''}</text>",
        ]
        if i < len(steps) - 1:
            y_from, y_to = y + BOX_HEIGHT, y + BOX_HEIGHT + GAP - 2
            parts.append(
                f'<line x1="{WIDTH / 2}" y1="{y_from}" x2="{WIDTH / 2}" y2="{y_to}" stroke="#1f3b63" '
                f'stroke-width="2" marker-end="url(#{id_prefix}-arrow)"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text inside is escaped above
