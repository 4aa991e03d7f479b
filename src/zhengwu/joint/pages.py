"""What the portal's and the workbench's joint case pages share (an interface may not import the other): the upload
of one material of the merged list, answered at the material's row when it is refused."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.joint import services


def upload(request, joint, form, *, page, back: str, done: str):
    """Upload the posted file to the posted material (`form`: the page's UploadForm, fields position and file);
    on success say `done` (a translated text with %(name)s and %(count)s) and go back to the page named `back`. A
    refused file (corrupt, missing, a material no longer needed) is answered by `page(request, joint,
    upload_error=…, status=…)`: the page again, the message at the material's row and naming it above, the user
    kept there; a refusal that names no material of the list goes back with the message."""
    valid = form.is_valid()
    position = form.cleaned_data.get("position")  # read even when the file is refused: the row to answer at
    entry = services.entry_at(joint, position)
    try:
        if not valid:
            raise ValidationFailed(form.message())
        count = services.upload_material(
            joint=joint, by=request.user, position=position or 0, upload=form.cleaned_data["file"]
        )
    except DomainError as err:
        if entry is None:
            messages.error(request, err.message)
            return redirect(back, number=joint.number)
        messages.error(request, _("「%(name)s」未上传:%(m)s") % {"name": entry["name"], "m": err.message})
        return page(
            request, joint, upload_error={"position": position, "message": err.message}, status=err.status
        )
    messages.success(request, done % {"name": entry["name"], "count": count})
    return redirect(back, number=joint.number)
