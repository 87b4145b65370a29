"""verify_licence / verify_identifier: statuses, signature and data checks, seal status."""

import pytest

from tongban.core.codes.licence_id import PREFIX
from tongban.core.exceptions import DomainError
from tongban.licences.models import Licence, LicenceUsage
from tongban.licences.services import verification
from tongban.licences.tests.verification_support import (  # noqa: F401
    gz_seal,
    issue,
    licence,
    permit_type,
)

pytestmark = pytest.mark.django_db


def test_valid_licence_verifies_with_masked_holder(licence, citizen):
    result = verification.verify_licence(licence)
    assert result.status == "valid" and result.valid and result.signature_ok
    assert result.reason == ""
    assert result.issuer_name == licence.issuer.name
    assert result.type_name == "食品经营许可证"
    assert result.masked_holder == "张*（440***********1235）"
    assert citizen.id_number not in str(result.as_dict())
    assert result.valid_from == licence.valid_from and result.valid_to == licence.valid_to
    assert result.status_label == "有效"
