"""An application received with its delivery choice is one write (hall.intake): when any part is refused — a file,
the choice — nothing of it is kept, so the clerk or the applicant corrects it and sends it again without duplicates."""

import pytest

from tests.cases.conftest import pdf_upload, resident_id
from zhengwu.cases import services
from zhengwu.cases.models import Applicant, Case, Status
from zhengwu.core.errors import ValidationFailed
from zhengwu.hall import intake

pytestmark = pytest.mark.django_db

PERSON = {
    "kind": "natural",
    "name": "周敏",
    "id_number": resident_id("19800505", "321"),
    "phone": "13700000001",
}


def _receive(world, **changes):
    return intake.receive_at_counter(
        **{
            "item": world.item,
            "applicant": PERSON,
            "by": world.clerk,
            "form": {"subject": "申请食品经营许可"},
            "agent": None,
            "window": world.dedicated,
            "idempotency_key": "k-1",
            "files": {1: pdf_upload()},
            "delivery": {"method": "post", "address": "江西省贵溪市建设路8号"},
            **changes,
        }
    )


def test_the_counter_registers_the_applicant_the_case_its_files_and_the_delivery_choice(world):
    case = _receive(world)
    assert case.status == Status.RECEIVED and case.channel == "counter"
    assert case.applicant.name == "周敏"
    assert list(case.materials.values_list("position", flat=True)) == [1]
    assert Case.objects.get(pk=case.pk).requested_delivery == "post"


def test_a_refused_delivery_choice_at_the_counter_keeps_nothing(world):
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _receive(world, delivery={"method": "post", "address": ""})
    assert refused.value.field == "address"
    assert Case.objects.count() == before
    assert not Applicant.objects.filter(id_number=PERSON["id_number"]).exists()


def test_a_refused_file_names_its_material_and_keeps_nothing(world):
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _receive(world, files={2: pdf_upload("营业执照.exe", b"MZ\x90\x00 not a document")})
    assert refused.value.field == "material_2"
    assert Case.objects.count() == before


def test_an_online_submit_with_a_refused_choice_leaves_the_draft_a_draft(world):
    draft = services.save_draft(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "开一家小吃店"}
    )
    with pytest.raises(ValidationFailed):
        intake.submit_online(
            item=world.item,
            draft=draft,
            by=world.citizen_user,
            form={"subject": "开一家小吃店"},
            agent=None,
            idempotency_key="k-2",
            delivery={"method": "post", "address": ""},
        )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and not draft.number
