# ruff: noqa: F811 (pytest fixtures imported from _applicant shadow their names)
"""Applying: drafts, pre-filling from the registries, forged values, submission, refusals."""

import datetime

import pytest
from django.utils import timezone

from tongban.cases.models import Case, CaseMaterial
from tongban.cases.services import applications
from tongban.cases.tests._applicant import (  # noqa: F401 (fixtures)
    COMPANY_SCHEMA,
    PDF,
    VALID_VALUES,
    draft,
    fill_materials,
    implementation,
    make_entity,
    make_item,
    make_person,
    material,
    person,
    private_media,
    snapshot,
    upload,
    wallet,
)
from tongban.catalog.models import Audience
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.identity.models import AgentAuthorisation
from tongban.identity.services import companies

pytestmark = pytest.mark.django_db


def refused(code, fn, *args, case=None, **kwargs):
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == code, exc.value.as_dict()
    assert snapshot(case) == before
    return exc.value


# --- pre-filling -----------------------------------------------------------------------------
def test_prefill_labels_registry_values(implementation, citizen, person):
    values = applications.prefill(implementation, actor=citizen)
    assert values["applicant_name"] == {"value": "张三", "source": "registry"}
    assert values["id_number"] == {"value": citizen.id_number, "source": "registry"}
    assert values["gender"] == {"value": "男", "source": "registry"}  # display, not "M"
    assert values["shop_name"] == {"value": "", "source": "applicant"}


def test_without_registry_record_fields_are_typed_by_applicant(implementation, citizen):
    values = applications.prefill(implementation, actor=citizen)
    assert {v["source"] for v in values.values()} == {"applicant"}


def test_start_draft_stores_prefilled_form_and_audits(implementation, citizen, person):
    case = applications.start_draft(implementation, actor=citizen)
    assert case.status == Case.Status.DRAFT and case.number is None
    assert case.org_unit == implementation.org_unit
    assert case.item_version == implementation.item.current_version
    assert (case.applicant_name, case.applicant_code) == ("张三", citizen.id_number)
    assert case.form_data["applicant_name"] == {"value": "张三", "source": "registry"}
    event = AuditEvent.objects.get(event_type="cases.draft_started")
    assert event.target_id == str(case.pk) and event.actor == citizen
    assert event.data["prefilled"] == ["applicant_name", "gender", "id_number"]
    # Starting again returns the open draft, not a second one.
    assert applications.start_draft(implementation, actor=citizen) == case
    assert Case.objects.count() == 1


def test_application_fields_carry_source_labels(draft, citizen):
    fields = {f["name"]: f for f in applications.application_fields(draft, actor=citizen)}
    assert fields["applicant_name"]["source_label"] == "政府核验"
    assert fields["shop_name"]["source_label"] == "本人填写"


# --- saving ----------------------------------------------------------------------------------
def test_save_draft_stores_applicant_values(draft, citizen):
    applications.save_draft(draft, dict(VALID_VALUES), actor=citizen)
    draft.refresh_from_db()
    assert draft.form_data["shop_name"] == {"value": "张三便利店", "source": "applicant"}
    assert draft.form_data["employees"] == {"value": 3, "source": "applicant"}
    event = AuditEvent.objects.get(event_type="cases.draft_saved")
    assert set(event.data["fields"]) == {"shop_name", "employees", "form_kind"}


def test_registry_value_sent_unchanged_is_accepted(draft, citizen):
    applications.save_draft(draft, {"applicant_name": "张三", "shop_name": "店"}, actor=citizen)
    draft.refresh_from_db()
    assert draft.form_data["applicant_name"]["source"] == "registry"


def test_forged_registry_value_is_refused(draft, citizen):
    err = refused(
        "registry_value_forged",
        applications.save_draft,
        draft,
        {"shop_name": "新店", "applicant_name": "王五"},
        actor=citizen,
        case=draft,
    )
    assert err.field == "applicant_name"
    assert Case.objects.get(pk=draft.pk).form_data["shop_name"]["value"] == ""


def test_registry_values_are_rederived_on_save(draft, citizen, person):
    person.address = "广东省广州市越秀区1号"
    person.name = "张三丰"  # the registry changed after the draft began
    person.save()
    applications.save_draft(draft, {"shop_name": "店"}, actor=citizen)
    draft.refresh_from_db()
    assert draft.form_data["applicant_name"] == {"value": "张三丰", "source": "registry"}


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"employees": "三个"}, "field_invalid", "employees"),
        ({"form_kind": "合伙经营"}, "field_invalid", "form_kind"),
        ({"shop_name": "店" * 31}, "field_too_long", "shop_name"),
        ({"nickname": "x"}, "unknown_field", "nickname"),
    ],
)
def test_invalid_values_are_refused(draft, citizen, values, code, field):
    err = refused(code, applications.save_draft, draft, values, actor=citizen, case=draft)
    assert err.field == field
    assert err.message  # Chinese message for the user
    assert "：" in err.message or code == "unknown_field"


def test_only_the_applicant_saves(draft, outsider):
    refused(
        "application_not_found",
        applications.save_draft,
        draft,
        {"shop_name": "x"},
        actor=outsider,
        case=draft,
    )


# --- refusals at start -----------------------------------------------------------------------
def test_withdrawn_item_is_refused(implementation, citizen, person):
    implementation.item.is_withdrawn = True
    implementation.item.save()
    refused("item_withdrawn", applications.start_draft, implementation, actor=citizen)


def test_inactive_implementation_is_refused(implementation, citizen):
    implementation.is_active = False
    implementation.save()
    refused("item_withdrawn", applications.start_draft, implementation, actor=citizen)


def test_submitting_after_the_item_was_withdrawn_is_refused(draft, citizen):
    applications.save_draft(draft, dict(VALID_VALUES), actor=citizen)
    fill_materials(draft, citizen)
    item = draft.implementation.item
    item.is_withdrawn = True
    item.save()
    refused("item_withdrawn", applications.submit_application, draft, actor=citizen, case=draft)


def test_company_item_needs_a_company(gz_market_dept, citizen):
    implementation = make_item(gz_market_dept, schema=COMPANY_SCHEMA, audience=Audience.LEGAL)
    err = refused("company_required", applications.start_draft, implementation, actor=citizen)
    assert "法人" in err.message


def test_natural_person_item_refuses_a_company(implementation, citizen):
    company = companies.bind_company(citizen, make_entity(citizen).uscc, actor=citizen)
    refused(
        "company_not_allowed",
        applications.start_draft,
        implementation,
        actor=citizen,
        company=company,
    )


def test_staff_and_unverified_users_cannot_apply(implementation, clerk, outsider):
    refused("natural_person_required", applications.start_draft, implementation, actor=clerk)
    outsider.realname_level = 1
    outsider.save()
    refused("realname_required", applications.start_draft, implementation, actor=outsider)


# --- companies and agents --------------------------------------------------------------------
@pytest.fixture
def company_item(gz_market_dept):
    return make_item(gz_market_dept, schema=COMPANY_SCHEMA, audience=Audience.LEGAL)


@pytest.fixture
def company(citizen):
    return companies.bind_company(citizen, make_entity(citizen).uscc, actor=citizen)


def _agent(company, agent, scopes):
    return AgentAuthorisation.objects.create(
        company=company,
        agent=agent,
        scopes=scopes,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )


def test_legal_rep_applies_for_the_company_with_entity_values(company_item, citizen, company):
    make_person(citizen)
    case = applications.start_draft(company_item, actor=citizen, company=company)
    assert case.company == company
    assert (case.applicant_name, case.applicant_code) == (company.name, company.uscc)
    assert case.form_data["company_name"] == {"value": company.name, "source": "registry"}
    assert case.form_data["legal_rep"] == {"value": "张三", "source": "registry"}
    assert case.form_data["agent_name"] == {"value": "张三", "source": "registry"}


def test_agent_with_apply_scope_applies(company_item, company, outsider):
    _agent(company, outsider, ["apply"])
    make_person(outsider)
    case = applications.start_draft(company_item, actor=outsider, company=company)
    assert case.applicant == outsider and case.company == company
    assert case.form_data["agent_name"]["value"] == "李四"  # the agent's own record


def test_agent_without_apply_scope_is_refused(company_item, company, outsider):
    _agent(company, outsider, ["pay"])
    refused(
        "agent_scope_exceeded",
        applications.start_draft,
        company_item,
        actor=outsider,
        company=company,
    )


def test_stranger_cannot_apply_for_a_company(company_item, company, outsider):
    refused(
        "company_not_found", applications.start_draft, company_item, actor=outsider, company=company
    )


def test_forged_entity_value_is_refused(company_item, citizen, company):
    case = applications.start_draft(company_item, actor=citizen, company=company)
    err = refused(
        "registry_value_forged",
        applications.save_draft,
        case,
        {"company_name": "另一家公司"},
        actor=citizen,
        case=case,
    )
    assert err.field == "company_name"


def test_agent_scope_revoked_after_the_draft_blocks_saving(company_item, company, outsider):
    grant = _agent(company, outsider, ["apply"])
    case = applications.start_draft(company_item, actor=outsider, company=company)
    grant.scopes = ["pay"]
    grant.save()
    refused(
        "agent_scope_exceeded",
        applications.save_draft,
        case,
        {"plan": "x"},
        actor=outsider,
        case=case,
    )


# --- submission ------------------------------------------------------------------------------
def test_submit_requires_required_fields_and_materials(draft, citizen):
    err = refused(
        "field_required", applications.submit_application, draft, actor=citizen, case=draft
    )
    assert err.field == "shop_name"
    applications.save_draft(draft, dict(VALID_VALUES), actor=citizen)
    err = refused(
        "materials_missing", applications.submit_application, draft, actor=citizen, case=draft
    )
    assert "个体工商户登记申请书" in err.message and "经营者身份证明" in err.message
    assert "其他材料" not in err.message  # optional


def test_submit_assigns_number_and_double_submit_is_idempotent(draft, citizen):
    applications.save_draft(draft, dict(VALID_VALUES), actor=citizen)
    fill_materials(draft, citizen)
    case = applications.submit_application(draft, actor=citizen, idempotency_key="key-1")
    assert case.status == Case.Status.SUBMITTED and case.number
    assert AuditEvent.objects.filter(event_type="cases.case_submitted").count() == 1
    again = applications.submit_application(draft, actor=citizen, idempotency_key="key-1")
    assert again.pk == case.pk and again.number == case.number
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="cases.case_submitted").count() == 1


def test_submit_with_values_saves_them_in_the_same_step(draft, citizen):
    fill_materials(draft, citizen)
    case = applications.submit_application(
        draft, actor=citizen, idempotency_key="k2", form_values=dict(VALID_VALUES)
    )
    assert case.form_data["shop_name"]["value"] == "张三便利店"


def test_submit_with_forged_value_changes_nothing(draft, citizen):
    fill_materials(draft, citizen)
    refused(
        "registry_value_forged",
        applications.submit_application,
        draft,
        actor=citizen,
        idempotency_key="k3",
        form_values={**VALID_VALUES, "id_number": "440106199001011236"},
        case=draft,
    )


def test_bad_idempotency_key_is_refused(draft, citizen):
    refused(
        "idempotency_key_invalid",
        applications.submit_application,
        draft,
        actor=citizen,
        idempotency_key="not a key!",
        case=draft,
    )


def test_outsider_cannot_submit(draft, outsider, citizen):
    applications.save_draft(draft, dict(VALID_VALUES), actor=citizen)
    fill_materials(draft, citizen)
    refused(
        "application_not_found", applications.submit_application, draft, actor=outsider, case=draft
    )


def _submitted(draft, citizen):
    applications.save_draft(draft, dict(VALID_VALUES), actor=citizen)
    fill_materials(draft, citizen)
    return applications.submit_application(draft, actor=citizen, idempotency_key="k")


def test_draft_cannot_be_edited_after_submission(draft, citizen):
    case = _submitted(draft, citizen)
    refused(
        "application_not_editable",
        applications.save_draft,
        case,
        {"shop_name": "x"},
        actor=citizen,
        case=case,
    )


def test_withdraw_before_decision(draft, citizen, outsider):
    case = _submitted(draft, citizen)
    refused("not_applicant", applications.withdraw_application, case, actor=outsider, case=case)
    case = applications.withdraw_application(case, actor=citizen, reason="不办了")
    assert case.status == Case.Status.WITHDRAWN
    assert AuditEvent.objects.filter(event_type="cases.case_withdrawn").exists()


def test_correction_round(draft, citizen, clerk):
    from tongban.cases.services import lifecycle

    case = _submitted(draft, citizen)
    lifecycle.request_correction(
        case,
        actor=clerk,
        items=[{"material": "经营者身份证明", "problem": "照片不清晰"}],
    )
    case.refresh_from_db()
    assert case.status == Case.Status.CORRECTION_REQUESTED
    # Nothing uploaded since the notice: refused.
    refused("materials_missing", applications.submit_correction, case, actor=citizen, case=case)
    row = applications.attach_upload(
        case, material(draft.implementation, "经营者身份证明"), upload(PDF, "id.pdf"), actor=citizen
    )
    assert row.case_id == case.pk
    case = applications.submit_correction(case, actor=citizen)
    assert case.status == Case.Status.SUBMITTED
    assert AuditEvent.objects.filter(event_type="cases.correction_submitted").exists()


def test_materials_cannot_change_after_submission(draft, citizen):
    case = _submitted(draft, citizen)
    refused(
        "application_not_editable",
        applications.attach_upload,
        case,
        material(draft.implementation, "其他材料"),
        upload(PDF),
        actor=citizen,
        case=case,
    )


# --- licence wallet --------------------------------------------------------------------------
def test_without_wallet_only_uploads_are_offered(draft, citizen):
    previous = applications.wallet_provider()  # the licences app registers one at start-up
    applications.unregister_wallet_provider()
    try:
        m = material(draft.implementation, "经营者身份证明")
        assert applications.wallet_licences(citizen, m) == []
        refused(
            "wallet_unavailable",
            applications.attach_licence,
            draft,
            m,
            "LIC-1",
            actor=citizen,
            case=draft,
        )
    finally:
        if previous is not None:
            applications.register_wallet_provider(previous)


def test_attach_licence_records_consent(draft, citizen, wallet):
    m = material(draft.implementation, "经营者身份证明")
    [licence] = applications.wallet_licences(citizen, m)
    row = applications.attach_licence(draft, m, licence["ref"], actor=citizen)
    assert row.source == CaseMaterial.Source.LICENCE
    assert row.licence_ref == licence["ref"] and row.consent_at is not None
    assert wallet.calls[-1] == (citizen.pk, "resident-id")
    event = AuditEvent.objects.get(event_type="cases.licence_attached")
    assert event.data["licence_ref"] == licence["ref"] and event.data["consent_at"]
    assert applications.missing_materials(draft) == [
        material(draft.implementation, "个体工商户登记申请书")
    ]


def test_licence_refusals(draft, citizen, wallet):
    id_material = material(draft.implementation, "经营者身份证明")
    refused(
        "licence_not_found",
        applications.attach_licence,
        draft,
        id_material,
        "LIC-999",
        actor=citizen,
        case=draft,
    )
    refused(
        "licence_not_accepted",
        applications.attach_licence,
        draft,
        material(draft.implementation, "其他材料"),
        "LIC-1",
        actor=citizen,
        case=draft,
    )


def test_catalogue_importer_forms_work_end_to_end(gz_market_dept, citizen, person):
    """The forms the catalogue importer writes (id_number/mobile/uscc/textarea types)."""
    from tongban.catalog.importer import form_schema_for

    schema = form_schema_for({"key": "sole-trader-registration", "audience": Audience.NATURAL})
    implementation = make_item(gz_market_dept, schema=schema, materials=[])
    case = applications.start_draft(implementation, actor=citizen)
    fields = {f["name"]: f for f in applications.application_fields(case, actor=citizen)}
    assert fields["id_number"]["source_label"] == "政府核验"
    assert fields["mobile"]["value"] == citizen.mobile and fields["mobile"]["source"] == "registry"
    assert fields["business_premises"]["source"] == "applicant"
    refused("field_required", applications.submit_application, case, actor=citizen, case=case)
    case = applications.submit_application(
        case, actor=citizen, idempotency_key="imp", form_values={"business_premises": "天河路1号"}
    )
    assert case.status == Case.Status.SUBMITTED


def test_submitted_form_shows_what_was_submitted(draft, citizen, person):
    applications.save_draft(draft, dict(VALID_VALUES), actor=citizen)
    fill_materials(draft, citizen)
    case = applications.submit_application(draft, actor=citizen, idempotency_key="shown")
    person.name = "张三丰"  # the registry changes after submission
    person.save()
    fields = {f["name"]: f for f in applications.application_fields(case, actor=citizen)}
    assert fields["applicant_name"]["value"] == "张三"
    assert fields["applicant_name"]["source_label"] == "政府核验"
