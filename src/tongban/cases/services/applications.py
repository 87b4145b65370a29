"""Applying (统一申办): drafts with pre-filled forms, materials, the licence wallet hook.

The form of a case is its item version's ``form_schema``: a list of
``{"name", "label", "type", "required", "source", "choices", "max_length"}``. A field whose
``source`` is ``person.<field>`` (population registry, the applicant's own record) or
``entity.<field>`` (legal-entity registry, the company applied for) is *registry-sourced*:
it is shown read-only and labelled 政府核验, and this module re-derives it from the
registry on every save and submit — a different value sent by a page or API client is
refused (``registry_value_forged``) and nothing changes. Every other field is typed by the
applicant (本人填写). ``case.form_data`` stores ``{"<field>": {"value", "source"}}`` with
source ``"registry"`` or ``"applicant"``. When the registry has no value for a field (no
record, empty column) the applicant fills it in and it is labelled accordingly.

Materials are uploads (type by content, size limit, SM3, private storage: see
``uploads``) or e-licences from the applicant's wallet (``register_wallet_provider``).
Replacing a material keeps the old row with ``replaced_at``.

Submission and withdrawal go through ``tongban.cases.services.lifecycle``.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from tongban.cases.errors_applications import ApplicationError, error  # noqa: F401 (re-exported)
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.services import uploads
from tongban.core import audit
from tongban.core.codes import validate as validate_code

REGISTRY = "registry"
APPLICANT = "applicant"
SOURCE_LABELS = {REGISTRY: "政府核验", APPLICANT: "本人填写"}

APPLY_SCOPE = "apply"
REQUIRED_REALNAME_LEVEL = 2
# Statuses in which the applicant may add or replace materials.
MATERIAL_STATUSES = (Case.Status.DRAFT, Case.Status.CORRECTION_REQUESTED)
IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEFAULT_MAX_LENGTH = {"textarea": 2000}
TEXT_MAX_LENGTH = 200


# --- licence wallet hook ---------------------------------------------------------------------
_wallet_provider = None


def register_wallet_provider(provider) -> None:
    """Plug in the licence wallet: ``provider.licences_for(user, licence_type_key)`` returns
    ``[{"ref", "name", "issued_on"}]``, the user's licences of that type. Without a provider
    the pages simply offer uploads."""
    global _wallet_provider
    _wallet_provider = provider


def unregister_wallet_provider() -> None:
    global _wallet_provider
    _wallet_provider = None


def wallet_provider():
    return _wallet_provider


def wallet_licences(user, material) -> list[dict]:
    """The user's licences that can replace ``material`` (empty without a provider)."""
    if _wallet_provider is None or material is None or not material.licence_type_key:
        return []
    return list(_wallet_provider.licences_for(user, material.licence_type_key) or [])


# --- who may apply for what ------------------------------------------------------------------
def open_version(implementation):
    """The published item version new applications are filed under, or ``item_withdrawn``."""
    item = implementation.item
    version = item.current_version
    if (
        not implementation.is_active
        or item.is_withdrawn
        or version is None
        or version.status != version.Status.PUBLISHED
    ):
        raise error(ApplicationError.ITEM_WITHDRAWN)
    return version


def _check_applicant(actor) -> None:
    from tongban.identity.models import User

    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise error(ApplicationError.APPLICATION_NOT_FOUND)
    if actor.kind != User.Kind.NATURAL:
        raise error(ApplicationError.NATURAL_PERSON_REQUIRED)
    if (actor.realname_level or 0) < REQUIRED_REALNAME_LEVEL or not actor.id_number:
        raise error(ApplicationError.REALNAME_REQUIRED)


def _check_company(actor, company) -> None:
    """The company must be one the actor controls or is an agent of, with scope "apply"."""
    from tongban.identity.services import companies

    companies.access_company(actor, company.uscc)  # 404 company_not_found otherwise
    companies.require_agent_scope(actor, company, APPLY_SCOPE)  # 403 agent_scope_exceeded


def _check_audience(implementation, company) -> None:
    from tongban.catalog.models import Audience

    audience = implementation.item.audience
    if audience == Audience.LEGAL and company is None:
        raise error(ApplicationError.COMPANY_REQUIRED, field="company")
    if audience == Audience.NATURAL and company is not None:
        raise error(ApplicationError.COMPANY_NOT_ALLOWED, field="company")


def applicant_choices(user, implementation) -> list[dict]:
    """Whom ``user`` may apply as: ``{"key": "self"|<uscc>, "label", "company", "allowed",
    "reason"}`` (companies where the agent lacks scope "apply" are listed, not allowed)."""
    from tongban.catalog.models import Audience
    from tongban.identity.services import companies

    audience = implementation.item.audience
    choices = []
    if audience != Audience.LEGAL:
        choices.append(
            {"key": "self", "label": f"本人（{user.name}）", "company": None, "allowed": True}
        )
    if audience != Audience.NATURAL:
        for company in companies.companies_for(user):
            allowed = companies.acting_for(user, company, APPLY_SCOPE)
            choices.append(
                {
                    "key": company.uscc,
                    "label": company.name,
                    "company": company,
                    "allowed": allowed,
                    "reason": "" if allowed else "您的经办人授权不含“办理事项”",
                }
            )
    return choices


# --- reads -----------------------------------------------------------------------------------
def _on_applicant_side(user, case) -> bool:
    """The applicant; for a submitted company case also an agent with scope "apply" (as
    the lifecycle allows). Drafts belong to the person who started them."""
    if case.applicant_id == user.pk:
        return True
    if case.company_id is None or case.status == Case.Status.DRAFT:
        return False
    from tongban.identity.services import companies

    return companies.acting_for(user, case.company, APPLY_SCOPE)


def access_application(user, pk) -> Case:
    """The user's own application by id (drafts have no number yet); 404 for anyone
    else's."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise error(ApplicationError.APPLICATION_NOT_FOUND)
    case = (
        Case.objects.select_related(
            "implementation__item", "item_version", "org_unit", "company", "applicant"
        )
        .filter(pk=pk)
        .first()
    )
    if case is None or not _on_applicant_side(user, case):
        raise error(ApplicationError.APPLICATION_NOT_FOUND)
    return case


def drafts_of(user):
    return (
        Case.objects.filter(applicant=user, status=Case.Status.DRAFT)
        .select_related("implementation__item", "company")
        .order_by("-updated_at", "-id")
    )


def current_materials(case) -> dict:
    """``{catalogue material id: current CaseMaterial}`` of the case."""
    return {m.material_id: m for m in case.materials.current().order_by("id")}


def missing_materials(case) -> list:
    """Required catalogue materials without a current upload or licence."""
    present = set(case.materials.current().values_list("material_id", flat=True))
    return [m for m in case.item_version.materials.all() if m.required and m.pk not in present]


# --- form values -----------------------------------------------------------------------------
def _spec_type(spec) -> str:
    return str(spec.get("type") or "text").lower()


def _jsonable(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value


def _as_text(value) -> str:
    value = _jsonable(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _registry_records(schema, *, user, company):
    """(person, entity) records needed by the schema's sources."""
    from tongban.registries.selectors import find_entity, find_person

    sources = {str(f.get("source") or "").split(".", 1)[0] for f in schema}
    person = find_person(user.id_number) if "person" in sources and user.id_number else None
    entity = find_entity(company.uscc) if "entity" in sources and company is not None else None
    return person, entity


def _read_registry(record, attr: str):
    if record is None or not attr:
        return None
    try:
        field = record._meta.get_field(attr)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "concrete", False) or field.is_relation:
        return None
    if field.choices:
        value = getattr(record, f"get_{field.attname}_display")()
    else:
        value = getattr(record, field.attname)
    value = _jsonable(value)
    if value in (None, ""):
        return None
    return value


def registry_values(schema, *, user, company=None) -> dict:
    """``{field name: value}`` for the fields the registries can fill for this applicant."""
    person, entity = _registry_records(schema, user=user, company=company)
    values = {}
    for spec in schema:
        kind, _sep, attr = str(spec.get("source") or "").partition(".")
        record = {"person": person, "entity": entity}.get(kind)
        value = _read_registry(record, attr)
        if value is not None:
            values[spec["name"]] = value
    return values


def _fields_state(schema, stored: dict, registry: dict) -> dict:
    state = {}
    for spec in schema:
        name = spec["name"]
        if name in registry:
            state[name] = {"value": registry[name], "source": REGISTRY}
        else:
            value = (stored.get(name) or {}).get("value", "")
            state[name] = {"value": "" if value is None else value, "source": APPLICANT}
    return state


def prefill(implementation, *, actor, company=None) -> dict:
    """``{field: {"value", "source"}}`` for a new application: registry values for the
    person (and the company), empty applicant fields."""
    version = open_version(implementation)
    schema = list(version.form_schema or [])
    return _fields_state(schema, {}, registry_values(schema, user=actor, company=company))


def application_fields(case, *, actor) -> list[dict]:
    """The form of ``case`` for display: each schema entry with its ``value``, ``source``
    and ``source_label`` — for a draft with registry values read afresh, afterwards as
    submitted."""
    schema = list(case.item_version.form_schema or [])
    if case.status == Case.Status.DRAFT:
        registry = registry_values(schema, user=actor, company=case.company)
        state = _fields_state(schema, case.form_data or {}, registry)
    else:  # what was submitted, as submitted
        stored = case.form_data or {}
        state = {
            spec["name"]: stored.get(spec["name"]) or {"value": "", "source": APPLICANT}
            for spec in schema
        }
    fields = []
    for spec in schema:
        entry = dict(spec)
        entry.update(state[spec["name"]])
        entry["source_label"] = SOURCE_LABELS[entry["source"]]
        fields.append(entry)
    return fields


def _choice_values(spec) -> list[str]:
    values = []
    for choice in spec.get("choices") or []:
        if isinstance(choice, dict):
            values.append(str(choice.get("value", choice.get("label", ""))))
        elif isinstance(choice, list | tuple) and choice:
            values.append(str(choice[0]))
        else:
            values.append(str(choice))
    return values


def _invalid(spec, message: str):
    return error(
        ApplicationError.FIELD_INVALID,
        field=spec["name"],
        message=f"{spec.get('label') or spec['name']}：{message}",
    )


def clean_value(spec, raw):
    """The stored form of an applicant-typed value, or ``field_invalid``/``field_too_long``.
    Empty input is stored as ``""`` (``False`` for check boxes); required fields are checked
    on submission."""
    kind = _spec_type(spec)
    if kind in {"boolean", "bool", "checkbox"}:
        if isinstance(raw, bool):
            return raw
        text = _as_text(raw).lower()
        if text in {"", "false", "0", "off", "no"}:
            return False
        if text in {"true", "1", "on", "yes"}:
            return True
        raise _invalid(spec, "请选择是或否")
    if isinstance(raw, dict | list):
        raise _invalid(spec, "格式不正确")
    text = _as_text(raw)
    if text == "":
        return ""
    if kind == "date":
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise _invalid(spec, "请填写有效的日期（年-月-日）") from None
    if kind in {"number", "integer", "int"}:
        if not re.fullmatch(r"-?\d{1,15}", text):
            raise _invalid(spec, "请填写整数")
        return int(text)
    if kind in {"decimal", "money", "amount"}:
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _invalid(spec, "请填写数字") from None
        if not value.is_finite() or abs(value) >= Decimal(10) ** 15:
            raise _invalid(spec, "请填写数字")
        return _jsonable(value)
    if kind in {"choice", "select", "radio"}:
        if text not in _choice_values(spec):
            raise _invalid(spec, "请从选项中选择")
        return text
    if kind in {"mobile", "tel", "phone"}:
        if not validate_code("mobile", text).valid:
            raise _invalid(spec, "手机号码格式不正确")
        return text
    if kind in {"id_number", "citizen_id", "citizen-id"}:
        if not validate_code("citizen-id", text).valid:
            raise _invalid(spec, "公民身份号码格式不正确")
        return text.upper()
    if kind == "uscc":
        if not validate_code("uscc", text).valid:
            raise _invalid(spec, "统一社会信用代码格式不正确")
        return text.upper()
    if kind == "email":
        try:
            validate_email(text)
        except ValidationError:
            raise _invalid(spec, "电子邮箱格式不正确") from None
    limit = int(spec.get("max_length") or DEFAULT_MAX_LENGTH.get(kind, TEXT_MAX_LENGTH))
    if len(text) > limit:
        raise error(
            ApplicationError.FIELD_TOO_LONG,
            field=spec["name"],
            message=f"{spec.get('label') or spec['name']}：最多 {limit} 个字",
        )
    return text


def _merge_values(case, form_values: dict, *, actor) -> tuple[dict, list[str]]:
    """New ``form_data`` for ``case`` with ``form_values`` applied (registry values
    re-derived); refuses unknown fields, forged registry values and invalid values."""
    schema = list(case.item_version.form_schema or [])
    specs = {spec["name"]: spec for spec in schema}
    unknown = sorted(set(form_values) - set(specs))
    if unknown:
        raise error(ApplicationError.UNKNOWN_FIELD, field=unknown[0])
    registry = registry_values(schema, user=actor, company=case.company)
    for name, raw in form_values.items():
        if name in registry and _as_text(raw) != _as_text(registry[name]):
            raise error(
                ApplicationError.REGISTRY_VALUE_FORGED,
                field=name,
                message=f"{specs[name].get('label') or name}：政府核验数据不能修改",
            )
    data = _fields_state(schema, case.form_data or {}, registry)
    changed = []
    for name, raw in form_values.items():
        if name in registry:
            continue
        value = clean_value(specs[name], raw)
        if data[name] != {"value": value, "source": APPLICANT}:
            changed.append(name)
        data[name] = {"value": value, "source": APPLICANT}
    changed += [
        n for n in data if (case.form_data or {}).get(n, {}) != data[n] and n not in changed
    ]
    return data, changed


def _check_complete(case, data: dict) -> None:
    for spec in case.item_version.form_schema or []:
        if not spec.get("required"):
            continue
        value = (data.get(spec["name"]) or {}).get("value")
        if value in (None, "", False):
            raise error(
                ApplicationError.FIELD_REQUIRED,
                field=spec["name"],
                message=f"{spec.get('label') or spec['name']}：此项为必填项",
            )
    missing = missing_materials(case)
    if missing:
        names = "、".join(m.name for m in missing)
        raise error(
            ApplicationError.MATERIALS_MISSING,
            field="materials",
            message=f"还有必需的申请材料未提交：{names}",
        )


# --- writes ----------------------------------------------------------------------------------
def _lock(case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("implementation__item", "item_version", "org_unit", "company")
        .get(pk=case.pk)
    )


def _check_owner(case, actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise error(ApplicationError.APPLICATION_NOT_FOUND)
    if not _on_applicant_side(actor, case):
        raise error(ApplicationError.APPLICATION_NOT_FOUND)
    if case.company_id is not None:
        from tongban.identity.services import companies

        companies.require_agent_scope(actor, case.company, APPLY_SCOPE)


def start_draft(implementation, *, actor, company=None) -> Case:
    """A DRAFT case for ``implementation``, applied for by ``actor`` as themself or for
    ``company``. An existing draft for the same (implementation, applicant, company) is
    returned instead of a second one."""
    _check_applicant(actor)
    version = open_version(implementation)
    _check_audience(implementation, company)
    if company is not None:
        _check_company(actor, company)
    existing = (
        Case.objects.filter(
            implementation=implementation,
            applicant=actor,
            company=company,
            status=Case.Status.DRAFT,
            item_version=version,
        )
        .order_by("-id")
        .first()
    )
    if existing is not None:
        return existing
    schema = list(version.form_schema or [])
    form_data = _fields_state(schema, {}, registry_values(schema, user=actor, company=company))
    with transaction.atomic():
        case = Case.objects.create(
            implementation=implementation,
            item_version=version,
            org_unit=implementation.org_unit,
            status=Case.Status.DRAFT,
            channel=Case.Channel.ONLINE,
            applicant=actor,
            company=company,
            applicant_name=company.name if company is not None else actor.name,
            applicant_code=company.uscc if company is not None else actor.id_number,
            form_data=form_data,
        )
        audit.record(
            "cases.draft_started",
            actor=actor,
            target=case,
            org_unit=case.org_unit,
            data={
                "implementation": implementation.implementation_code,
                "item_version": version.pk,
                "company": company.uscc if company is not None else None,
                "prefilled": sorted(n for n, v in form_data.items() if v["source"] == REGISTRY),
            },
        )
    return case


def save_draft(case, form_values: dict, *, actor) -> Case:
    """Apply ``form_values`` (``{field: value}``; fields not given keep their value) to the
    draft. Registry-sourced fields are re-derived; a different value for one is refused with
    ``registry_value_forged`` and nothing changes."""
    if not isinstance(form_values, dict):
        raise error(ApplicationError.FIELD_INVALID)
    with transaction.atomic():
        case = _lock(case)
        _check_owner(case, actor)
        if case.status != Case.Status.DRAFT:
            raise error(ApplicationError.NOT_EDITABLE)
        data, changed = _merge_values(case, form_values, actor=actor)
        if changed:
            case.form_data = data
            case.save(update_fields=["form_data", "updated_at"])
            audit.record(
                "cases.draft_saved",
                actor=actor,
                target=case,
                org_unit=case.org_unit,
                data={"fields": changed},
            )
    return case


def _replayed(actor, key: str):
    if not key:
        return None
    return (
        Case.objects.filter(applicant=actor, idempotency_key=key)
        .exclude(status=Case.Status.DRAFT)
        .first()
    )


def submit_application(case, *, actor, idempotency_key: str = "", form_values=None) -> Case:
    """Save ``form_values`` (optional), check the application is complete (required fields,
    required materials) and submit it (``lifecycle.submit_case``). The same idempotency key
    submitted again returns the case it first submitted, without a second submission."""
    from tongban.cases.services import lifecycle

    key = (idempotency_key or "").strip()
    if key and not IDEMPOTENCY_KEY_RE.match(key):
        raise error(ApplicationError.IDEMPOTENCY_KEY_INVALID, field="idempotency_key")
    if (replay := _replayed(actor, key)) is not None:
        return replay
    with transaction.atomic():
        locked = _lock(case)
        _check_owner(locked, actor)
        if (replay := _replayed(actor, key)) is not None:  # a concurrent twin won the lock
            return replay
        if locked.status != Case.Status.DRAFT:
            raise error(ApplicationError.NOT_EDITABLE)
        open_version(locked.implementation)
        if locked.implementation.item.current_version_id != locked.item_version_id:
            # A newer version was published since the draft began: its form may differ.
            raise error(
                ApplicationError.NOT_EDITABLE,
                message="该事项的办事指南已更新，请重新发起申请",
            )
        data, changed = _merge_values(locked, dict(form_values or {}), actor=actor)
        _check_complete(locked, data)
        if changed:
            locked.form_data = data
            locked.save(update_fields=["form_data", "updated_at"])
        return lifecycle.submit_case(locked, actor=actor, idempotency_key=key)


def withdraw_application(case, *, actor, reason: str = "") -> Case:
    """The applicant withdraws before a decision (``lifecycle.withdraw_case`` checks who
    and when)."""
    from tongban.cases.services import lifecycle

    return lifecycle.withdraw_case(case, actor=actor, reason=reason)


def submit_correction(case, *, actor) -> Case:
    """The applicant has uploaded what the notice asked for (``lifecycle.submit_correction``);
    every material named in the notice must have been supplied again since the notice."""
    from tongban.cases.services import lifecycle

    notice = case.corrections.filter(resolved_at__isnull=True).order_by("-created_at").first()
    if notice is not None and case.status == Case.Status.CORRECTION_REQUESTED:
        _check_owner(case, actor)
        named = {str(item.get("material", "")) for item in notice.items or []}
        fresh = set(
            case.materials.current()
            .filter(created_at__gte=notice.created_at)
            .values_list("name", flat=True)
        )
        catalogue = set(case.item_version.materials.values_list("name", flat=True))
        missing = sorted(n for n in named if n in catalogue and n not in fresh)
        if missing:
            raise error(
                ApplicationError.MATERIALS_MISSING,
                field="materials",
                message=f"请先补交通知中列出的材料：{'、'.join(missing)}",
            )
    return lifecycle.submit_correction(case, actor=actor)


def _material_of(case, material):
    if material is None or material.version_id != case.item_version_id:
        raise error(ApplicationError.MATERIAL_NOT_IN_ITEM, field="material")
    return material


def _replace_current(case, material, now) -> list[int]:
    previous = list(case.materials.current().filter(material=material).values_list("pk", flat=True))
    if previous:
        CaseMaterial.objects.filter(pk__in=previous).update(replaced_at=now)
    return previous


def attach_upload(case, material, uploaded_file, *, actor) -> CaseMaterial:
    """Upload a file for ``material`` (a catalogue material of the case's item version):
    type by content, size limit, SM3, private storage. Allowed while the case is a draft
    or awaiting correction; a previous upload of the material is kept as replaced."""
    stored = ""
    try:
        with transaction.atomic():
            case = _lock(case)
            _check_owner(case, actor)
            if case.status not in MATERIAL_STATUSES:
                raise error(ApplicationError.NOT_EDITABLE)
            material = _material_of(case, material)
            checked = uploads.read_checked(uploaded_file)
            stored = uploads.store(checked)
            now = timezone.now()
            replaced = _replace_current(case, material, now)
            row = CaseMaterial.objects.create(
                case=case,
                material=material,
                name=material.name,
                source=CaseMaterial.Source.UPLOAD,
                file=stored,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sm3=checked.sm3,
                uploaded_by=actor,
            )
            audit.record(
                "cases.material_uploaded",
                actor=actor,
                target=case,
                org_unit=case.org_unit,
                data={
                    "case_material": row.pk,
                    "material": material.name,
                    "content_type": checked.content_type,
                    "size": checked.size,
                    "sm3": checked.sm3,
                    "replaced": replaced,
                },
            )
    except BaseException:
        uploads.discard(stored)
        raise
    return row


def attach_licence(case, material, licence_ref, *, actor) -> CaseMaterial:
    """Use an e-licence from the applicant's wallet for ``material``; calling this is the
    applicant's consent, recorded as ``consent_at`` with the licence reference."""
    provider = wallet_provider()
    if provider is None:
        raise error(ApplicationError.WALLET_UNAVAILABLE)
    with transaction.atomic():
        case = _lock(case)
        _check_owner(case, actor)
        if case.status not in MATERIAL_STATUSES:
            raise error(ApplicationError.NOT_EDITABLE)
        material = _material_of(case, material)
        if not material.licence_type_key:
            raise error(ApplicationError.LICENCE_NOT_ACCEPTED, field="material")
        ref = str(licence_ref or "").strip()
        licence = next(
            (
                lic
                for lic in provider.licences_for(actor, material.licence_type_key) or []
                if ref and str(lic.get("ref")) == ref
            ),
            None,
        )
        if licence is None:
            raise error(ApplicationError.LICENCE_NOT_FOUND, field="licence_ref")
        now = timezone.now()
        replaced = _replace_current(case, material, now)
        row = CaseMaterial.objects.create(
            case=case,
            material=material,
            name=material.name,
            source=CaseMaterial.Source.LICENCE,
            original_name=str(licence.get("name") or material.name)[:200],
            licence_ref=ref,
            consent_at=now,
            uploaded_by=actor,
        )
        audit.record(
            "cases.licence_attached",
            actor=actor,
            target=case,
            org_unit=case.org_unit,
            data={
                "case_material": row.pk,
                "material": material.name,
                "licence_type": material.licence_type_key,
                "licence_ref": ref,
                "consent_at": now,
                "replaced": replaced,
            },
        )
    return row
