"""Plain functions that create the kernel's records for tests: regions, organisations, centres, windows, staff.

county = make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))
bureau = make_organisation("贵溪市市场监督管理局", region=county)
clerk = make_staff("clerk", bureau, roles=[Role.WINDOW_CLERK])
client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
"""

import itertools
import time

from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengwu.core.ids import make_uscc
from zhengwu.core.models import Organisation, Region, ServiceCentre, Staff, StaffRole, Window

PASSWORD = "Zhengwu-test-2024"
_serial = itertools.count(1)


def _level_of(code: str, parent: Region | None) -> int:
    if parent is not None:
        return min(parent.level + 1, Region.Level.VILLAGE)
    if len(code) > 9:
        return Region.Level.VILLAGE
    if len(code) > 6:
        return Region.Level.TOWNSHIP
    if code.endswith("0000"):
        return Region.Level.PROVINCE
    return Region.Level.CITY if code.endswith("00") else Region.Level.COUNTY


def make_region(
    code: str = "360681", name: str = "贵溪市", parent: Region | None = None, level: int | None = None
) -> Region:
    """A region (行政区划); the level follows from the code or the parent unless given."""
    return Region.objects.create(code=code, name=name, parent=parent, level=level or _level_of(code, parent))


def make_organisation(
    name: str,
    parent: Organisation | None = None,
    region: Region | None = None,
    kind: str = Organisation.Kind.DEPARTMENT,
    **fields,
) -> Organisation:
    """An organisation with a valid, unique USCC (authority 1 机构编制, type 1 机关); region defaults to the parent's."""
    region = region or (parent.region if parent else None) or Region.objects.first() or make_region()
    uscc = make_uscc("1", "1", region.code[:6].ljust(6, "0"), f"{next(_serial):08d}")
    return Organisation.objects.create(
        name=name, parent=parent, region=region, kind=kind, uscc=uscc, **fields
    )


def make_centre(
    name: str,
    region: Region,
    managed_by: Organisation | None = None,
    kind: str = ServiceCentre.Kind.CENTRE,
    **fields,
) -> ServiceCentre:
    """A service centre (hall) in a region."""
    return ServiceCentre.objects.create(name=name, region=region, managed_by=managed_by, kind=kind, **fields)


def make_window(
    centre: ServiceCentre, number: str, name: str = "", organisations=(), kind: str | None = None
) -> Window:
    """A window in a centre; dedicated (专窗) to the organisations given, general (综合窗口) if none."""
    kind = kind or (Window.Kind.DEDICATED if organisations else Window.Kind.GENERAL)
    window = Window.objects.create(centre=centre, number=number, name=name or f"{number}号窗口", kind=kind)
    window.organisations.set(organisations)
    return window


def make_user(username: str, password: str = PASSWORD, **fields):
    """A bare account with no staff profile (citizen-like, or a superuser with is_superuser=True)."""
    return get_user_model().objects.create_user(username=username, password=password, **fields)


def make_staff(
    username: str,
    organisation: Organisation,
    roles=(),
    password: str = PASSWORD,
    window: Window | None = None,
    name: str | None = None,
    **fields,
) -> Staff:
    """A user account with a staff profile in the organisation, holding the given roles."""
    user = make_user(username, password)
    staff = Staff.objects.create(
        user=user, name=name or username, organisation=organisation, window=window, **fields
    )
    StaffRole.objects.bulk_create([StaffRole(staff=staff, role=role) for role in roles])
    return staff


def make_totp_device(user, confirmed: bool = True) -> TOTPDevice:
    """A TOTP device for the user (confirmed: sign-in will ask for its code)."""
    return TOTPDevice.objects.create(user=user, name="test", confirmed=confirmed)


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code the authenticator app shows for the device now (or at a Unix time)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():0{device.digits}d}"


def _pdf() -> bytes:
    import io

    import pypdf

    writer, out = pypdf.PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


def _image(fmt: str) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


# Real files, small: uploads are opened as what they claim to be (core.files), so fakes with only magic bytes fail.
PDF_BYTES = _pdf()
PNG_BYTES = _image("PNG")
JPEG_BYTES = _image("JPEG")


def _docx() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")):
            package.writestr(
                zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text
            )  # the same bytes each call
    return out.getvalue()


DOCX_BYTES = _docx()


def paper_checklist(case) -> list[int]:
    """The window's paper checklist at acceptance: every required material the case has no file for (the clerk
    ticks what the applicant handed in on paper)."""
    from zhengwu.cases.submission import required_materials

    have = set(case.materials.values_list("position", flat=True))
    return [m["position"] for m in required_materials(case) if m["position"] not in have]
