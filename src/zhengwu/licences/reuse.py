"""Reuse instead of upload (免提交): a material whose name names a licence type is filled from the library when the
applicant holds a valid licence of that type — the signed licence file becomes the material's file, and the use is
logged (who, which case, which licence, when). An expired, revoked or replaced licence is not used; the form says
why. Registered with cases.library in LicencesConfig.ready()."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils.translation import gettext as _

from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.core.calendar import chinese_date
from zhengwu.licences import services


def offers(applicant, version, prefer: str = "") -> dict[int, dict]:
    """Per material position: the licence the library holds for it, or why not. `prefer` (an identifier, from a
    renewal link) picks that licence of the applicant's for its type."""
    chosen = (
        services.held_by(applicant.id_number).filter(identifier=str(prefer)[:80]).first() if prefer else None
    )
    out = {}
    for material in version.materials.all():
        licence_type = services.type_for_material(material.name)
        if licence_type is None:
            continue
        # one per premises, say: the applicant chooses among those in force (the page's radio buttons post the
        # choice back as `prefer`), the one nearest its end taken when none is named
        several = services.in_force(applicant.id_number, licence_type)
        choices = several if len(several) > 1 else []
        if chosen is not None and chosen.type_id == licence_type.pk:
            licence = chosen if chosen.is_usable else None
            reason = (
                ""
                if licence
                else _("持有的%(type)s(编号 %(number)s)%(state)s,不能调取,请上传材料")
                % {"type": licence_type.name, "number": chosen.number, "state": chosen.effective_status_label}
            )
            if licence is None:
                choices = []  # the link named an ended licence: said so, not hidden among the others
        elif several:  # the first in force (one of several, or the only one): not read again through usable
            licence, reason = several[0], ""
        else:  # none in force: usable says why (expired, revoked …)
            licence, reason = services.usable(applicant.id_number, licence_type)
        if (
            licence is None
            and reason
            and (ended := _ended_for_change(applicant, version, licence_type, chosen))
        ):
            reason = ended  # the item changes or renews this licence: it no longer can, apply anew
        out[material.position] = {
            "type": licence_type.name,
            "licence": licence,
            "reason": reason,
            "text": _("已从电子证照库调取:%(type)s(编号 %(number)s,%(valid)s),无需上传")
            % {
                "type": licence_type.name,
                "number": licence.number,
                "valid": _("有效期至 %(day)s") % {"day": chinese_date(licence.valid_until)}
                if licence.valid_until
                else _("长期有效"),
            }
            if licence
            else reason,
            "choices": [_choice(one, checked=one == licence) for one in choices],
        }
    return out


def _choice(licence, *, checked: bool) -> dict:
    """One of several licences of a type the applicant may choose: its identifier (posted back as `licence`, the
    `prefer` of the submission) and what tells it from the others (premises, validity, number)."""
    place = licence.distinguished_by
    return {
        "identifier": licence.identifier,
        "checked": checked,
        "label": _("%(type)s 编号 %(number)s%(place)s,%(valid)s")
        % {
            "type": licence.type.name,
            "number": licence.number,
            "place": f"({place['label']}:{place['value']})" if place else "",
            "valid": _("有效期至 %(day)s") % {"day": chinese_date(licence.valid_until)}
            if licence.valid_until
            else _("长期有效"),
        },
    }


def _ended_for_change(applicant, version, licence_type, chosen) -> str:
    """For an application changing (an item of the type's) or renewing (its renewal item) the type's licence: why the
    applicant's licence (`chosen`, else the latest of the type) can no longer be changed or renewed, else ""
    (行政许可法 第五十条)."""
    from zhengwu.licences import permissions
    from zhengwu.licences.models import Status

    renewing = version.item_id == licence_type.renewal_item_id
    if not renewing and not licence_type.items.filter(pk=version.item_id).exists():
        return ""
    licence = chosen if chosen is not None and chosen.type_id == licence_type.pk else None
    if licence is None:
        licence = (
            services.held_by(applicant.id_number)
            .filter(type=licence_type)
            .exclude(status=Status.REPLACED)
            .order_by("-issued_on", "-id")
            .first()
        )
    if licence is None:
        return ""
    return permissions.ended_for_renewal(licence) if renewing else permissions.ended_for_change(licence)


def chosen_at_counter(applicant, version, named: str = "") -> str:
    """The identifier of the applicant's licence the clerk names by its number (`named`) for a material of the
    version, "" when the applicant holds at most one of its type in force; refused at `licence` when they hold
    several and the clerk named none of them (the window asks which one, as the online form does)."""
    from zhengwu.core.errors import ValidationFailed

    named = (named or "").strip()
    for material in version.materials.all():
        licence_type = services.type_for_material(material.name)
        if licence_type is None:
            continue
        several = services.in_force(applicant.id_number, licence_type)
        if named:
            match = [one for one in several if one.number == named]
            if match:
                return match[0].identifier
        if len(several) > 1 or named:
            listed = ";".join(_choice(one, checked=False)["label"] for one in several)
            if named:
                raise ValidationFailed(
                    _("申请人没有在有效期内的%(type)s编号 %(number)s,请核对「所用证照编号」")
                    % {"type": licence_type.name, "number": named}
                    + (_(":申请人持有 %(listed)s") % {"listed": listed} if several else ""),
                    field="licence",
                )
            raise ValidationFailed(
                _("申请人持有多张%(type)s,请在「所用证照编号」填写本次申请所用的一张:%(listed)s")
                % {"type": licence_type.name, "listed": listed},
                field="licence",
            )
    return ""


def _file_name(licence) -> str:
    """The name a licence taken from the library has as a case's material file."""
    return _("已从电子证照库调取-%(type)s-%(number)s.pdf") % {
        "type": licence.type.name,
        "number": licence.number,
    }


def fill(case, by, prefer: str = "") -> list:
    """Attach the applicant's valid licence to each material it stands in for that has no file yet."""
    from zhengwu.cases import services as cases

    have = set(case.materials.values_list("position", flat=True))
    filled = []
    for position, offer in offers(case.applicant, case.version, prefer=prefer).items():
        licence = offer["licence"]
        if licence is None or position in have:
            continue
        upload = SimpleUploadedFile(_file_name(licence), services.stored_pdf(licence))
        material = cases.upload_material(case=case, by=by, position=position, upload=upload)
        services.reuse(licence=licence, case=case, by=by, material=material.name)
        filled.append((material, licence))
    return filled


def taken(case) -> dict[int, str]:
    """The case's materials taken from the library (the applicant's form or a joint member's result): position →
    "已调取(电子证照库,编号 …)"."""
    from zhengwu.licences.models import LicenceUse

    if case.pk is None or case.version_id is None:
        return {}
    uses = list(
        LicenceUse.objects.filter(case=case, purpose=LicenceUse.Purpose.REUSE).select_related("licence")
    )
    out: dict[int, str] = {}
    if not uses:  # the usual case: nothing taken, the materials need not be read
        return out
    for material in catalog_selectors.published_materials(case.version):
        for use in uses:
            if use.note.split(":", 1)[0] == material.name:
                out[material.position] = _("已调取(电子证照库,编号 %(n)s)") % {"n": use.licence.number}
                break
    return out


def withheld(case, user) -> dict[int, str]:
    """The case's files that are a licence taken from the library which `user` may not download (the reusing
    department's staff: licences.selectors.may_download) → why. The file is the signed licence, its holder's
    personal data in full and not maskable; the case page's 电子证照 panel links the licence's page instead, which
    says that it is valid and what it licenses with the personal data masked (docs/masking.md)."""
    from zhengwu.licences.models import LicenceUse
    from zhengwu.licences.selectors import REUSED_FILE_REFUSAL, may_download

    if case.pk is None:
        return {}
    uses = LicenceUse.objects.filter(case=case, purpose=LicenceUse.Purpose.REUSE).select_related(
        "licence__type", "licence__issuer", "licence__case__window"
    )
    closed = [use.licence for use in uses if not may_download(user, use.licence)]
    if not closed:
        return {}
    # the file is known by its bytes, or by the name fill gave it (a kept file made again has other bytes)
    rows = case.materials.filter(
        Q(sha256__in=[licence.file_sha256 for licence in closed if licence.file_sha256])
        | Q(filename__in=[_file_name(licence) for licence in closed])
    ).values_list("pk", flat=True)
    return dict.fromkeys(rows, str(REUSED_FILE_REFUSAL))


def pass_on(licence, case, by=None) -> list:
    """A licence just issued by `case` goes to the materials of other cases obtained from its result (a joint case's
    members needing this one, cases.library.dependants): each takes it from the library, no upload, one use logged
    per case. Inside the grant's transaction."""
    from zhengwu.cases import library
    from zhengwu.cases.models import CLOSED_STATUSES

    taken = []
    for row in library.dependants(case):
        other, name = row["case"], row["name"]
        if other.status in CLOSED_STATUSES:
            continue
        wanted = services.type_for_material(name)
        if wanted != licence.type and not (wanted is None and licence.type.name in name):
            continue
        if licence.uses.filter(purpose="reuse", case=other).exists():
            continue
        via = _("由联办成员办件 %(n)s 的办理结果获取,无需提交") % {"n": case.number}
        taken.append(services.reuse(licence=licence, case=other, by=by, material=name, via=via))
    return taken
