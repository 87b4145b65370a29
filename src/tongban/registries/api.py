"""Registries API (staff only): look up a person or a legal entity.

Personal data is masked unless the caller holds ``core.view_pii`` in a unit whose region
contains the record's division (a 广州 window clerk sees 广州 residents unmasked, a 深圳
clerk sees them masked).
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema

from tongban.core import permissions
from tongban.core.exceptions import NotFound
from tongban.core.schemas import ErrorOut
from tongban.registries import errors, selectors, services

router = Router(tags=["registries"])


class PersonOut(Schema):
    id_number: str
    name: str
    gender: str
    gender_display: str
    birth_date: date | None
    division_code: str
    address: str
    phone: str
    status: str
    status_display: str
    updated_at: datetime
    masked: bool


class EntityOut(Schema):
    uscc: str
    name: str
    entity_type: str
    entity_type_display: str
    legal_rep_name: str
    legal_rep_id_number: str
    address: str
    division_code: str
    status: str
    status_display: str
    established_date: date
    registered_capital: Decimal | None
    business_scope: str
    updated_at: datetime
    masked: bool


@router.get(
    "/persons/{id_number}",
    response={200: PersonOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="registries_get_person",
    summary="查询人口信息",
)
@permissions.require_perm(permissions.REGISTRIES_VIEW_PERSON)
def get_person(request, id_number: str):
    person = selectors.find_person(id_number)
    if person is None:
        raise NotFound(errors.PERSON_NOT_FOUND, _("人口库中没有该身份证号码。"), "id_number")
    return services.read_person(actor=request.user, person=person)


@router.get(
    "/entities/{uscc}",
    response={200: EntityOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="registries_get_entity",
    summary="查询法人信息",
)
@permissions.require_perm(permissions.REGISTRIES_VIEW_ENTITY)
def get_entity(request, uscc: str):
    entity = selectors.find_entity(uscc)
    if entity is None:
        raise NotFound(errors.ENTITY_NOT_FOUND, _("法人库中没有该统一社会信用代码。"), "uscc")
    return services.read_entity(actor=request.user, entity=entity)
