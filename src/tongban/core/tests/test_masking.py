"""Masking of personal data: formats, who may see what, templates, API helper, logs."""

import logging

import pytest
from django.template import Context, Template

from tongban.core import masking
from tongban.testing.factories import OrgUnitFactory


@pytest.mark.parametrize(
    "value, expected",
    [
        ("440106199001011235", "440***********1235"),
        ("44010619900101123X", "440***********123X"),
        ("440106900101123", "440********1123"),  # 15-digit legacy
        ("", ""),
        (None, ""),
        ("12345", "*****"),
    ],
)
def test_mask_id_number(value, expected):
    assert masking.mask_id_number(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("13800138000", "138****8000"),
        ("020-83123456", "***-****3456"),
        ("", ""),
        ("110", "***"),
    ],
)
def test_mask_mobile(value, expected):
    assert masking.mask_mobile(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳娜", "欧阳*"),
        ("司马光", "司马*"),
        ("欧阳", "欧*"),
        ("王", "*"),
        ("John Smith", "J*** *****"),
        ("", ""),
    ],
)
def test_mask_name(value, expected):
    assert masking.mask_name(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("广东省广州市天河区天河路385号", "广东省广州市天河区****"),
        ("广东省深圳市南山区粤海街道科技园", "广东省深圳市南山区****"),
        ("广东省东莞市南城街道鸿福路1号", "广东省东莞市****"),
        ("广东省广州市天河区", "广东省广州市天河区"),
        ("广西壮族自治区南宁市青秀区民族大道1号", "广西壮族自治区南宁市青秀区****"),
        ("北京市朝阳区建国路1号", "北京市朝阳区****"),
        ("天河路385号", "****"),
        ("", ""),
    ],
)
def test_mask_address(value, expected):
    assert masking.mask_address(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("6222021234567890123", "***************0123"),
        ("6222 0212 3456 7890", "************7890"),
        ("123", "****"),
        ("", ""),
    ],
)
def test_mask_bank_account(value, expected):
    assert masking.mask_bank_account(value) == expected


def test_mask_value_rejects_unknown_kind():
    with pytest.raises(ValueError):
        masking.mask_value("passport", "E12345678")


def test_mask_text_finds_numbers_in_free_text():
    text = "申请人440106199001011235，电话13800138000，订单号202601011234567890123。"
    assert masking.mask_text(text) == (
        "申请人440***********1235，电话138****8000，订单号202601011234567890123。"
    )


def test_mask_data_masks_known_keys_and_free_text():
    data = {
        "old": {"mobile": "13800138000", "real_name": "张三", "status": "ok"},
        "new": {"address": "广东省广州市天河区天河路1号", "note": "身份证 440106199001011235"},
        "list": [{"bank_account": "6222021234567890123"}],
        "count": 3,
    }
    assert masking.mask_data(data) == {
        "old": {"mobile": "138****8000", "real_name": "张*", "status": "ok"},
        "new": {"address": "广东省广州市天河区****", "note": "身份证 440***********1235"},
        "list": [{"bank_account": "***************0123"}],
        "count": 3,
    }


def test_mask_fields_for_api_responses():
    out = {"name": "张三", "id_number": "440106199001011235", "mobile": "", "city": "广州"}
    fields = {"name": "name", "id_number": "id_number", "mobile": "mobile"}
    assert masking.mask_fields(out, fields, visible=False) == {
        "name": "张*",
        "id_number": "440***********1235",
        "mobile": "",
        "city": "广州",
    }
    assert masking.mask_fields(out, fields, visible=True) == out
    assert out["name"] == "张三"  # not modified in place


# --- who may see ---------------------------------------------------------------------------
def test_window_clerk_and_approver_see_their_own_units_records(
    clerk, approver, gz_market_dept, sz_market_dept
):
    assert masking.can_view_pii(clerk, gz_market_dept)
    assert masking.can_view_pii(approver, gz_market_dept)
    assert not masking.can_view_pii(clerk, sz_market_dept)
    assert not masking.can_view_pii(clerk)  # no record unit, not the subject


def test_other_city_operator_auditor_and_admin_do_not(
    other_city_clerk, operator, auditor, dept_admin, gz_market_dept
):
    for user in (other_city_clerk, operator, auditor, dept_admin):
        assert not masking.can_view_pii(user, gz_market_dept)


def test_role_covering_children_reaches_units_below(db, guangzhou, gz_market_dept):
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    user = StaffFactory()
    RoleAssignmentFactory(user=user, org_unit=guangzhou, role="approver", covers_children=True)
    assert masking.can_view_pii(user, gz_market_dept)
    county = OrgUnitFactory(kind="county", parent=guangzhou)
    plain = StaffFactory()
    RoleAssignmentFactory(user=plain, org_unit=guangzhou, role="approver")
    assert not masking.can_view_pii(plain, county)


def test_a_person_sees_their_own_data_only(citizen, outsider, gz_market_dept):
    assert masking.can_view_pii(citizen, subject_user=citizen)
    assert not masking.can_view_pii(outsider, subject_user=citizen)
    assert not masking.can_view_pii(citizen, gz_market_dept)


def test_anonymous_never_sees(db, citizen):
    from django.contrib.auth.models import AnonymousUser

    assert not masking.can_view_pii(AnonymousUser(), subject_user=citizen)
    assert not masking.can_view_pii(None)


def test_pii_checker_agrees_with_can_view_pii(
    clerk, citizen, gz_market_dept, sz_market_dept, django_assert_num_queries
):
    visible = masking.pii_checker(clerk)
    with django_assert_num_queries(0):
        assert visible(gz_market_dept.pk)
        assert not visible(sz_market_dept.pk)
        assert not visible(None)
    assert masking.pii_checker(citizen)(None, citizen.pk)


# --- templates -------------------------------------------------------------------------------
def test_template_filters_and_tag():
    template = Template(
        "{% load masking %}{{ id|mask_id_number }}|{{ m|mask_mobile }}|{{ n|mask_name }}|"
        "{{ a|mask_address }}|{{ b|mask_bank_account }}|{{ m|mask_pii:'mobile' }}|"
        "{% pii id 'id_number' show %}|{% pii id 'id_number' hide %}|{% pii none 'name' %}"
    )
    out = template.render(
        Context(
            {
                "id": "440106199001011235",
                "m": "13800138000",
                "n": "欧阳娜娜",
                "a": "广东省广州市天河区天河路1号",
                "b": "6222021234567890123",
                "show": True,
                "hide": False,
                "none": None,
            }
        )
    )
    assert out == (
        "440***********1235|138****8000|欧阳**|广东省广州市天河区****|"
        "***************0123|138****8000|440106199001011235|440***********1235|"
    )


# --- logs ---------------------------------------------------------------------------------
def _record(msg, args=(), exc_info=None):
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, exc_info)


def test_log_filter_masks_message_and_args():
    flt = masking.MaskingLogFilter()
    record = _record("login %s from %s", ("440106199001011235", "13800138000"))
    assert flt.filter(record) is True
    assert record.getMessage() == "login 440***********1235 from 138****8000"


def test_log_filter_masks_tracebacks():
    try:
        raise ValueError("bad id 440106199001011235")
    except ValueError:
        import sys

        record = _record("failed", exc_info=sys.exc_info())
    masking.MaskingLogFilter().filter(record)
    assert "440106199001011235" not in record.exc_text and "440***********1235" in record.exc_text


def test_log_filter_is_installed_on_the_root_handler(caplog):
    from django.conf import settings

    assert settings.LOGGING["filters"]["mask_pii"]["()"] == "tongban.core.masking.MaskingLogFilter"
    handler = logging.StreamHandler()
    handler.addFilter(masking.MaskingLogFilter())
    logger = logging.getLogger("tongban.test.masking")
    logger.addHandler(handler)
    try:
        import io

        stream = io.StringIO()
        handler.setStream(stream)
        logger.warning("sms to %s", "13800138000")
        assert stream.getvalue().strip() == "sms to 138****8000"
    finally:
        logger.removeHandler(handler)
