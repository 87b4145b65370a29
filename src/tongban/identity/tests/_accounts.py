"""Helpers for the citizen-account tests (registry persons, reading the SMS outbox)."""

import random
import re
from datetime import date

from tongban.core.codes import generate_citizen_id
from tongban.identity.models import SmsMessage

PASSWORD = "Tongban#2026"
_rng = random.Random(20260101)


def new_id_number(division_code="440106", birth=date(1992, 3, 4), sex="M") -> str:
    return generate_citizen_id(division_code=division_code, birth_date=birth, sex=sex, rng=_rng)


def registry_person(id_number, name, phone="", status="normal"):
    from tongban.registries.models import Person

    return Person.objects.create(
        id_number=id_number,
        name=name,
        gender="M",
        birth_date=date(1990, 1, 1),
        division_code=id_number[:6],
        address="广州市天河区体育西路1号",
        phone=phone,
        status=status,
    )


def last_code(mobile) -> str:
    message = SmsMessage.objects.filter(mobile=mobile).order_by("-created_at", "-id").first()
    assert message is not None, f"no SMS sent to {mobile}"
    match = re.search(r"验证码 (\d{6})", message.text)
    assert match, message.text
    return match.group(1)
