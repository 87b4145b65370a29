# ruff: noqa: F811 (pytest fixtures imported from verification_support)
"""电子证照率 and 免提交率 per item and department, on a small dataset."""

import datetime

import pytest
from django.utils import timezone

from tongban.cases.metrics_licences import licence_metrics
from tongban.cases.models import Case, CaseMaterial, CaseTask
from tongban.catalog.models import Material
from tongban.licences.tests.verification_support import (  # noqa: F401
    gz_seal,
    issue,
    permit_type,
)
from tongban.testing.factories_cases import CaseFactory, make_implementation

pytestmark = pytest.mark.django_db


def _case(implementation, applicant, status, *, denied=False, submitted=True, concluded=True):
    now = timezone.now()
    case = CaseFactory(
        implementation=implementation,
        applicant=applicant,
        status=status,
        submitted_at=now if submitted else None,
        concluded_at=now if concluded and status == Case.Status.CONCLUDED else None,
    )
    if denied:
        CaseTask.objects.create(
            case=case,
            stage_position=1,
            stage_name="审查",
            name="审查",
            org_unit=case.org_unit,
            status=CaseTask.Status.DENIED,
        )
    return case


def _material(case, name, *, source="upload", licence_key="", replaced=False):
    catalogue = Material.objects.create(
        version=case.item_version, name=name, licence_type_key=licence_key
    )
    return CaseMaterial.objects.create(
        case=case,
        material=catalogue,
        name=name,
        source=source,
        replaced_at=timezone.now() if replaced else None,
    )


def test_rates_per_item_and_department(
    gz_market_dept, sz_market_dept, citizen, approver, permit_type, gz_seal
):
    food = make_implementation(gz_market_dept, name="食品经营许可", outputs=["food-permit-test"])
    advice = make_implementation(gz_market_dept, name="政策咨询")  # no outputs
    sz_food = make_implementation(sz_market_dept, name="深圳食品经营许可", outputs=["x"])
    S = Case.Status

    # 广州 食品经营许可: 4 concluded (3 approved, 1 denied); 2 approved got a licence.
    approved = [_case(food, citizen, S.CONCLUDED) for _ in range(3)]
    _case(food, citizen, S.CONCLUDED, denied=True)
    for case in approved[:2]:
        licence = issue(permit_type, gz_market_dept, citizen, actor=approver)
        licence.source_case = case
        licence.save(update_fields=["source_case"])
    in_review = _case(food, citizen, S.IN_REVIEW)  # not concluded: only its materials count
    draft = _case(food, citizen, S.DRAFT, submitted=False)

    # Materials: 5 current in submitted cases, 2 taken from the wallet; replaced and draft
    # materials do not count.
    _material(approved[0], "营业执照", source="licence", licence_key="business-licence")
    _material(approved[0], "申请书")
    _material(approved[1], "营业执照", licence_key="business-licence")  # uploaded instead
    _material(approved[1], "营业执照旧", licence_key="business-licence", replaced=True)
    _material(in_review, "营业执照", source="licence", licence_key="business-licence")
    _material(in_review, "平面图")
    _material(draft, "营业执照", source="licence", licence_key="business-licence")

    # 政策咨询: concluded without outputs → no 电子证照率 base.
    _case(advice, citizen, S.CONCLUDED)
    # 深圳: one approved case without licence.
    _case(sz_food, citizen, S.CONCLUDED)

    rows = {(r.item_name, r.department_name): r for r in licence_metrics()}
    gz = rows[("食品经营许可", "广州市市场监督管理局")]
    assert (gz.concluded_cases, gz.approved_with_outputs, gz.issued_as_licence) == (4, 3, 2)
    assert gz.licence_rate == round(2 / 3, 4)
    assert (gz.materials, gz.materials_from_licences, gz.licence_eligible_materials) == (5, 2, 3)
    assert gz.exemption_rate == 0.4
    assert gz.eligible_exemption_rate == round(2 / 3, 4)
    assert gz.as_dict()["licence_rate"] == gz.licence_rate

    policy = rows[("政策咨询", "广州市市场监督管理局")]
    assert policy.concluded_cases == 1 and policy.approved_with_outputs == 0
    assert policy.licence_rate is None and policy.exemption_rate is None

    sz = rows[("深圳食品经营许可", "深圳市市场监督管理局")]
    assert sz.licence_rate == 0.0

    only_sz = licence_metrics(org_units=[sz_market_dept])
    assert [r.department_name for r in only_sz] == ["深圳市市场监督管理局"]
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert licence_metrics(since=tomorrow) == []
