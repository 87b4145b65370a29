"""Shared set-up of the applying tests (services, uploads, pages, API)."""

from __future__ import annotations

import datetime
import io
import random
import zipfile

import pytest

from tongban.cases.models import Case, CaseMaterial
from tongban.catalog.models import Audience, Material
from tongban.core.models import AuditEvent
from tongban.registries.models import LegalEntity, Person

PERSON_SCHEMA = [
    {
        "name": "applicant_name",
        "label": "经营者姓名",
        "type": "text",
        "required": True,
        "source": "person.name",
    },
    {
        "name": "id_number",
        "label": "身份证号码",
        "type": "text",
        "required": True,
        "source": "person.id_number",
    },
    {
        "name": "gender",
        "label": "性别",
        "type": "text",
        "required": False,
        "source": "person.gender",
    },
    {
        "name": "shop_name",
        "label": "个体户名称",
        "type": "text",
        "required": True,
        "source": "",
        "max_length": 30,
    },
    {"name": "employees", "label": "从业人数", "type": "number", "required": False, "source": ""},
    {
        "name": "form_kind",
        "label": "组成形式",
        "type": "choice",
        "required": True,
        "source": "",
        "choices": ["个人经营", "家庭经营"],
    },
]
COMPANY_SCHEMA = [
    {
        "name": "company_name",
        "label": "企业名称",
        "type": "text",
        "required": True,
        "source": "entity.name",
    },
    {
        "name": "legal_rep",
        "label": "法定代表人",
        "type": "text",
        "required": True,
        "source": "entity.legal_rep_name",
    },
    {
        "name": "agent_name",
        "label": "经办人",
        "type": "text",
        "required": True,
        "source": "person.name",
    },
    {"name": "plan", "label": "变更事项", "type": "textarea", "required": True, "source": ""},
]
VALID_VALUES = {"shop_name": "张三便利店", "employees": 3, "form_kind": "个人经营"}

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def ofd_bytes(with_manifest=True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if with_manifest:
            archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return buffer.getvalue()


def upload(content: bytes, name="file.pdf", content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def make_item(org_unit, *, schema=None, audience=Audience.NATURAL, materials=None):
    from tongban.testing.factories_cases import make_implementation

    implementation = make_implementation(
        org_unit, name="个体工商户设立登记", form_schema=PERSON_SCHEMA if schema is None else schema
    )
    item = implementation.item
    item.audience = audience
    item.save(update_fields=["audience"])
    version = item.current_version
    for position, (name, required, licence) in enumerate(
        materials
        if materials is not None
        else [
            ("个体工商户登记申请书", True, ""),
            ("经营者身份证明", True, "resident-id"),
            ("其他材料", False, ""),
        ]
    ):
        Material.objects.create(
            version=version,
            position=position,
            name=name,
            required=required,
            licence_type_key=licence,
        )
    return implementation


def make_person(user):
    return Person.objects.create(
        id_number=user.id_number,
        name=user.name,
        gender="M",
        birth_date=datetime.date(1990, 1, 1),
        division_code="440106",
        address="广东省广州市天河区体育西路1号",
        phone=user.mobile or "",
    )


def make_entity(rep, seed=7):
    from tongban.core.codes import generate_uscc

    return LegalEntity.objects.create(
        uscc=generate_uscc(division_code="440106", rng=random.Random(seed)),
        name="广州通办科技有限公司",
        entity_type="enterprise",
        legal_rep_id_number=rep.id_number,
        legal_rep_name=rep.name,
        address="广东省广州市天河区体育西路1号",
        division_code="440106",
        established_date=datetime.date(2015, 3, 1),
    )


def material(implementation, name):
    return implementation.item.current_version.materials.get(name=name)


def fill_materials(case, actor):
    from tongban.cases.services import applications

    for m in case.item_version.materials.filter(required=True):
        applications.attach_upload(case, m, upload(PDF, f"{m.name}.pdf"), actor=actor)


def snapshot(case=None):
    """What a refused request must leave unchanged."""
    state = (
        Case.objects.count(),
        CaseMaterial.objects.count(),
        CaseMaterial.objects.filter(replaced_at__isnull=False).count(),
        AuditEvent.objects.count(),
    )
    if case is not None:
        case = Case.objects.get(pk=case.pk)
        state += (case.status, case.number, repr(sorted(case.form_data.items())))
    return state


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def person(citizen):
    return make_person(citizen)


@pytest.fixture
def implementation(gz_market_dept):
    return make_item(gz_market_dept)


@pytest.fixture
def draft(implementation, citizen, person):
    from tongban.cases.services import applications

    return applications.start_draft(implementation, actor=citizen)


@pytest.fixture
def wallet():
    """A fake licence wallet registered for the test."""
    from tongban.cases.services import applications

    class FakeWallet:
        def __init__(self):
            self.calls = []

        def licences_for(self, user, licence_type_key):
            self.calls.append((user.pk, licence_type_key))
            if licence_type_key != "resident-id":
                return []
            return [
                {
                    "ref": f"LIC-{user.pk}-1",
                    "name": "居民身份证（电子证照）",
                    "issued_on": "2020-01-01",
                }
            ]

    previous = applications.wallet_provider()  # the real wallet, registered at start-up
    provider = FakeWallet()
    applications.register_wallet_provider(provider)
    yield provider
    applications.unregister_wallet_provider()
    if previous is not None:
        applications.register_wallet_provider(previous)
