# ruff: noqa: F811 (pytest fixtures imported from _applicant shadow their names)
"""The applicant's pages under /my/cases/: start, fill in (autosave), upload, submit, track,
correct, withdraw, download — and outsiders getting 404 with nothing changed."""

import pytest
from django.test import Client
from django.urls import reverse

from tongban.cases.models import Case, CaseMaterial
from tongban.cases.services import applications
from tongban.cases.tests._applicant import (  # noqa: F401 (fixtures)
    COMPANY_SCHEMA,
    PDF,
    VALID_VALUES,
    draft,
    fill_materials,
    implementation,
    make_item,
    material,
    person,
    private_media,
    snapshot,
    upload,
    wallet,
)
from tongban.catalog.models import Audience
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def edit_url(case):
    return reverse("my_cases:edit", args=[case.pk])


def form_post(case, **overrides):
    data = {
        "applicant_name": "张三",
        "id_number": case.applicant.id_number,
        "gender": "男",
        "shop_name": "张三便利店",
        "employees": "3",
        "form_kind": "个人经营",
        "idempotency_key": "0123456789abcdef",
    }
    data.update(overrides)
    return data


def submitted(draft, citizen):
    applications.save_draft(draft, dict(VALID_VALUES), actor=citizen)
    fill_materials(draft, citizen)
    return applications.submit_application(draft, actor=citizen, idempotency_key="k")


# --- start -----------------------------------------------------------------------------------
def test_start_page_offers_self_and_creates_a_draft(implementation, citizen, person):
    client = client_for(citizen)
    url = reverse("my_cases:start", args=[implementation.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "本人（张三）" in page.content.decode()
    response = client.post(url, {"applicant": "self"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == edit_url(case)
    assert case.status == Case.Status.DRAFT and case.applicant == citizen


def test_start_withdrawn_item_is_refused(implementation, citizen):
    implementation.item.is_withdrawn = True
    implementation.item.save()
    url = reverse("my_cases:start", args=[implementation.pk])
    before = snapshot()
    page = client_for(citizen).get(url)
    assert page.status_code == 409 and "停止受理" in page.content.decode()
    assert client_for(citizen).post(url, {"applicant": "self"}).status_code == 409
    assert snapshot() == before


def test_start_company_item_without_company(gz_market_dept, citizen):
    implementation = make_item(gz_market_dept, schema=COMPANY_SCHEMA, audience=Audience.LEGAL)
    url = reverse("my_cases:start", args=[implementation.pk])
    before = snapshot()
    page = client_for(citizen).get(url)
    assert "仅面向法人办理" in page.content.decode()
    response = client_for(citizen).post(url, {"applicant": "self"})
    assert response.status_code == 400
    assert snapshot() == before


def test_start_requires_login(implementation):
    response = Client().get(reverse("my_cases:start", args=[implementation.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


# --- the form --------------------------------------------------------------------------------
def test_edit_page_shows_prefilled_readonly_values_with_labels(draft, citizen):
    page = client_for(citizen).get(edit_url(draft))
    html = page.content.decode()
    assert page.status_code == 200
    assert "政府核验" in html and "本人填写" in html
    assert 'name="applicant_name"' in html and 'value="张三"' in html
    # the registry field is read-only, the applicant's is not
    start = html.index('name="applicant_name"')
    assert "readonly" in html[html.rindex("<input", 0, start) : html.index(">", start)]
    start = html.index('name="shop_name"')
    assert "readonly" not in html[html.rindex("<input", 0, start) : html.index(">", start)]
    assert 'hx-trigger="change delay:1s"' in html
    assert 'name="idempotency_key"' in html


def test_autosave_returns_the_partial(draft, citizen):
    response = client_for(citizen).post(
        edit_url(draft), form_post(draft, action="autosave"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "已自动保存" in response.content.decode()
    draft.refresh_from_db()
    assert draft.form_data["shop_name"] == {"value": "张三便利店", "source": "applicant"}


def test_autosave_with_a_bad_value_reports_it(draft, citizen):
    before = snapshot(draft)
    response = client_for(citizen).post(
        edit_url(draft),
        form_post(draft, action="autosave", employees="很多"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "未保存" in response.content.decode()
    assert "从业人数" in response.content.decode()
    assert snapshot(draft) == before


def test_forged_registry_value_in_the_page_is_refused(draft, citizen):
    before = snapshot(draft)
    response = client_for(citizen).post(
        edit_url(draft), form_post(draft, action="save", applicant_name="王五")
    )
    assert response.status_code == 400
    assert "政府核验数据不能修改" in response.content.decode()
    assert snapshot(draft) == before


def test_submit_missing_required_field_shows_chinese_error(draft, citizen):
    fill_materials(draft, citizen)
    before = snapshot(draft)
    response = client_for(citizen).post(
        edit_url(draft), form_post(draft, action="submit", shop_name="")
    )
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert snapshot(draft) == before


def test_submit_and_double_submit(draft, citizen):
    fill_materials(draft, citizen)
    client = client_for(citizen)
    response = client.post(edit_url(draft), form_post(draft, action="submit"))
    case = Case.objects.get(pk=draft.pk)
    assert case.status == Case.Status.SUBMITTED and case.number
    assert response["Location"] == reverse("my_cases:detail", args=[case.number])
    again = client.post(edit_url(draft), form_post(draft, action="submit"))
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="cases.case_submitted").count() == 1


def test_submit_without_materials_is_refused(draft, citizen):
    before = snapshot(draft)
    response = client_for(citizen).post(edit_url(draft), form_post(draft, action="submit"))
    assert response.status_code == 400 and "申请材料未提交" in response.content.decode()
    assert snapshot(draft) == before


def test_outsider_cannot_see_or_edit_a_draft(draft, outsider, other_city_clerk):
    before = snapshot(draft)
    for user in (outsider, other_city_clerk):
        client = client_for(user)
        assert client.get(edit_url(draft)).status_code == 404
        assert client.post(edit_url(draft), form_post(draft, action="save")).status_code == 404
        url = reverse(
            "my_cases:material_upload",
            args=[draft.pk, material(draft.implementation, "其他材料").pk],
        )
        assert client.post(url, {"m0-file": upload(PDF)}).status_code == 404
    assert snapshot(draft) == before


# --- materials -------------------------------------------------------------------------------
def test_upload_through_the_page(draft, citizen):
    m = material(draft.implementation, "经营者身份证明")
    url = reverse("my_cases:material_upload", args=[draft.pk, m.pk])
    response = client_for(citizen).post(url, {f"m{m.pk}-file": upload(PDF, "id.pdf")})
    assert response.status_code == 302 and response["Location"] == edit_url(draft)
    assert CaseMaterial.objects.get().material == m
    page = client_for(citizen).get(edit_url(draft)).content.decode()
    assert "已上传" in page and "id.pdf" in page


def test_upload_wrong_type_through_the_page_htmx(draft, citizen):
    m = material(draft.implementation, "经营者身份证明")
    url = reverse("my_cases:material_upload", args=[draft.pk, m.pk])
    before = snapshot(draft)
    response = client_for(citizen).post(
        url, {f"m{m.pk}-file": upload(b"not a pdf at all", "x.pdf")}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 415
    assert 'id="materials"' in response.content.decode()
    assert snapshot(draft) == before


def test_wallet_licence_offered_and_attached_with_consent(draft, citizen, wallet):
    m = material(draft.implementation, "经营者身份证明")
    page = client_for(citizen).get(edit_url(draft)).content.decode()
    assert "使用我的电子证照" in page and f"LIC-{citizen.pk}-1" in page
    url = reverse("my_cases:licence_attach", args=[draft.pk, m.pk])
    before = snapshot(draft)
    client_for(citizen).post(url, {"licence_ref": f"LIC-{citizen.pk}-1"})  # no consent
    assert snapshot(draft) == before
    client_for(citizen).post(url, {"licence_ref": f"LIC-{citizen.pk}-1", "consent": "on"})
    row = CaseMaterial.objects.get()
    assert row.source == "licence" and row.consent_at is not None


def test_without_wallet_the_page_offers_uploads_only(draft, citizen):
    page = client_for(citizen).get(edit_url(draft)).content.decode()
    assert "使用我的电子证照" not in page and 'type="file"' in page


# --- download --------------------------------------------------------------------------------
def test_download_headers_and_access(draft, citizen, clerk, outsider, other_city_clerk):
    case = submitted(draft, citizen)
    row = CaseMaterial.objects.filter(case=case).first()
    url = reverse("my_cases:material_download", args=[row.pk])
    for user in (citizen, clerk):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
    for user in (outsider, other_city_clerk):
        assert client_for(user).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # login first


def test_draft_material_download_only_for_the_applicant(draft, citizen, clerk, outsider):
    row = applications.attach_upload(
        draft, material(draft.implementation, "其他材料"), upload(PDF), actor=citizen
    )
    url = reverse("my_cases:material_download", args=[row.pk])
    assert client_for(citizen).get(url).status_code == 200
    assert client_for(clerk).get(url).status_code == 404  # drafts are not the office's yet
    assert client_for(outsider).get(url).status_code == 404


# --- list, tracking, correction, withdrawal --------------------------------------------------
def test_list_shows_drafts_and_cases_with_badges(draft, citizen, implementation):
    case = submitted(draft, citizen)
    applications.start_draft(implementation, actor=citizen)
    page = client_for(citizen).get(reverse("my_cases:list")).content.decode()
    assert case.number in page and "已提交" in page and "草稿" in page


def test_list_shows_nothing_of_others(draft, citizen, outsider):
    case = submitted(draft, citizen)
    page = client_for(outsider).get(reverse("my_cases:list")).content.decode()
    assert case.number not in page


def test_detail_page_timeline(draft, citizen):
    case = submitted(draft, citizen)
    page = client_for(citizen).get(reverse("my_cases:detail", args=[case.number]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "提交申请" in html and "创建申请" in html and case.number in html
    assert "撤回申请" in html and "政府核验" in html


def test_detail_is_404_for_outsiders(draft, citizen, outsider, other_city_clerk):
    case = submitted(draft, citizen)
    for user in (outsider, other_city_clerk):
        assert (
            client_for(user).get(reverse("my_cases:detail", args=[case.number])).status_code == 404
        )


def test_correction_page_flow(draft, citizen, clerk):
    from tongban.cases.services import lifecycle

    case = submitted(draft, citizen)
    lifecycle.request_correction(
        case,
        actor=clerk,
        items=[
            {"material": "经营者身份证明", "problem": "照片不清晰"},
            {"material": "个体工商户登记申请书", "problem": "缺少签名"},
        ],
    )
    client = client_for(citizen)
    detail = client.get(reverse("my_cases:detail", args=[case.number])).content.decode()
    assert "照片不清晰" in detail and "缺少签名" in detail and "去补正" in detail
    url = reverse("my_cases:correct", args=[case.number])
    page = client.get(url)
    assert page.status_code == 200 and "提交补正" in page.content.decode()
    # Submitting before re-uploading is refused with the missing list.
    response = client.post(url)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Case.Status.CORRECTION_REQUESTED
    for name in ("经营者身份证明", "个体工商户登记申请书"):
        m = material(draft.implementation, name)
        client.post(
            reverse("my_cases:material_upload", args=[case.pk, m.pk]),
            {f"m{m.pk}-file": upload(PDF), "next": "correct"},
        )
    response = client.post(url)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_outsider_cannot_correct_or_withdraw(draft, citizen, outsider, other_city_clerk):
    case = submitted(draft, citizen)
    before = snapshot(case)
    for user in (outsider, other_city_clerk):
        client = client_for(user)
        assert client.post(reverse("my_cases:withdraw", args=[case.number])).status_code == 404
        assert client.post(reverse("my_cases:correct", args=[case.number])).status_code == 404
    assert snapshot(case) == before


def test_withdraw_through_the_page(draft, citizen):
    case = submitted(draft, citizen)
    response = client_for(citizen).post(
        reverse("my_cases:withdraw", args=[case.number]), {"reason": "信息有误"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN
    event = AuditEvent.objects.get(event_type="cases.case_withdrawn")
    assert event.actor == citizen
