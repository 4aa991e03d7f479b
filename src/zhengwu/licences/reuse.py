"""Reuse instead of upload (免提交): a material whose name names a licence type is filled from the library when the
applicant holds a valid licence of that type — the signed licence file becomes the material's file, and the use is
logged (who, which case, which licence, when). An expired, revoked or replaced licence is not used; the form says
why. Registered with cases.library in LicencesConfig.ready()."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from zhengwu.licences import services

PREFIX = "已从电子证照库调取"


def offers(applicant, version) -> dict[int, dict]:
    out = {}
    for material in version.materials.all():
        licence_type = services.type_for_material(material.name)
        if licence_type is None:
            continue
        licence, reason = services.usable(applicant.id_number, licence_type)
        out[material.position] = {
            "type": licence_type.name,
            "licence": licence,
            "reason": reason,
            "text": (
                f"{PREFIX}:{licence_type.name}(编号 {licence.number},"
                f"{'有效期至 ' + licence.valid_until.isoformat() if licence.valid_until else '长期有效'}),无需上传"
                if licence
                else reason
            ),
        }
    return out


def fill(case, by) -> list:
    """Attach the applicant's valid licence to each material it stands in for that has no file yet."""
    from zhengwu.cases import services as cases

    have = set(case.materials.values_list("position", flat=True))
    filled = []
    for position, offer in offers(case.applicant, case.version).items():
        licence = offer["licence"]
        if licence is None or position in have:
            continue
        data = services.signed_pdf(licence)
        upload = SimpleUploadedFile(f"{PREFIX}-{licence.type.name}-{licence.number}.pdf", data)
        material = cases.upload_material(case=case, by=by, position=position, upload=upload)
        services.reuse(licence=licence, case=case, by=by, material=material.name)
        filled.append((material, licence))
    return filled
