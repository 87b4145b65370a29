"""The demo province: one idempotent seed through the apps' own service functions.

``seed_demo_province()`` builds org units and the service catalogue (45 items with their
implementations) from the shared province data, fills the registries, creates the platform key, demo staff and citizens (registered, real-name
verified and bound to their company through the same services a person would use) and the
demo department system's OIDC client. Running it again changes nothing. It refuses to run
in production.

Licences: the licence types are imported, every department that issues licences in the demo
regions (广州市 and 天河区, 深圳市 and 福田区 — the units implementing an item with an e-licence
output — and the province departments named by a licence type) gets an electronic seal, and
a few licences are issued through the issuing service so the demo wallets are not empty:
李四's company's 营业执照 and 王芳's 居民身份证.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.module_loading import import_string

from tongban.catalog.importer import import_catalog
from tongban.catalog.models import Implementation, ItemVersion, ServiceItem
from tongban.core import calendar, orgunits
from tongban.core.crypto import keys
from tongban.core.models import OrgUnit, RoleAssignment
from tongban.identity.models import CompanyAccount, SmsMessage, User
from tongban.identity.oidc.services import ensure_demo_client
from tongban.identity.services import accounts, companies, staff
from tongban.licences.models import HolderType, Licence, LicenceType, Seal
from tongban.licences.services import issuing, seals
from tongban.licences.services.types import import_licence_types
from tongban.registries import services as registries
from tongban.registries.models import LegalEntity, Person

DEMO_PASSWORD = "Tongban#2026"
DEMO_PERSONS = 10_000
DEMO_ENTITIES = 2_000
DEMO_SEED = 2026

# (username, name, role, division code, department or None for the region, covers children)
DEMO_STAFF = [
    ("operator", "周运营", "operator", "440000", None, True),
    ("auditor", "吴审计", "auditor", "440000", None, True),
    ("gz_admin", "钱管理", "dept_admin", "440100", "市场监督管理局", True),
    ("th_clerk", "王窗口", "window_clerk", "440106", "市场监督管理局", False),
    ("th_approver", "赵审批", "approver", "440106", "市场监督管理局", False),
    ("ft_clerk", "孙窗口", "window_clerk", "440304", "市场监督管理局", False),
    ("gz_psb_clerk", "马窗口", "window_clerk", "440100", "公安局", False),
    ("gz_psb_approver", "冯审批", "approver", "440100", "公安局", False),
    ("gz_psb_admin", "郑管理", "dept_admin", "440100", "公安局", True),
    ("gz_finance", "陈财务", "finance", "440100", "公安局", True),
    ("gz_finance2", "杨复核", "finance", "440100", "公安局", True),
    ("gz_mca_admin", "黄管理", "dept_admin", "440100", "民政局", True),
    ("hotline", "林话务", "hotline_operator", "440100", None, True),
]
# Each app's demo rows, seeded after the people, staff and licences above (idempotent).
APP_DEMO_SEEDS = [
    "tongban.payments.demo.seed",
    "tongban.payments.demo_finance.seed",
    "tongban.sharing.demo.seed",
    "tongban.sharing.demo_opendata.seed",
    "tongban.servicedesk.demo_halls.seed",
    "tongban.servicedesk.demo_knowledge.seed",
    "tongban.servicedesk.demo_workorders.seed",
]
# Registered, L2-verified citizens (registry demo persons). 张三 (440106199001011235) is left
# unregistered on purpose: a newcomer can try registration with him.
DEMO_CITIZENS = [
    ("440106199203150049", "王芳", "13700137000", None),
    ("440304198505050020", "李四", "13900139000", "914403047391202117"),
]
NEWCOMER = ("440106199001011235", "张三", "13800138000", "91440106739120115G")
# Regions whose departments get seals: the demo cities and the districts of the demo people.
SEAL_DIVISIONS = ("440000", "440100", "440106", "440300", "440304")
# (licence type key, holder code, issuing division, department): the demo wallets' licences.
DEMO_LICENCES = [
    ("business-licence", "914403047391202117", "440300", "市场监督管理局"),
    ("resident-id", "440106199203150049", "440106", "公安局"),
]


@dataclass
class SeedReport:
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)


def _staff_unit(division_code: str, department: str | None) -> OrgUnit:
    unit = (
        orgunits.department_unit(division_code, department)
        if department
        else orgunits.region_unit(division_code)
    )
    if unit is None:
        raise ImproperlyConfigured(f"demo org unit missing: {division_code} {department or ''}")
    return unit


def _ensure_staff(report: SeedReport) -> None:
    for username, name, role, division_code, department, covers in DEMO_STAFF:
        if User.objects.filter(username=username).exists():
            continue
        unit = _staff_unit(division_code, department)
        # Demo staff have no mobile: they log in with a password only, so an operator can
        # always reach the SMS outbox.
        staff.create_staff(
            username=username,
            name=name,
            mobile="",
            password=DEMO_PASSWORD,
            roles=[staff.RoleSpec(org_unit=unit, role=role, covers_children=covers)],
            actor=staff.SYSTEM,
        )
        report.add(f"staff {username}")


def _latest_code(mobile: str) -> str:
    message = SmsMessage.objects.filter(mobile=mobile).order_by("-created_at", "-id").first()
    match = re.search(r"\d{6}", message.text if message else "")
    if match is None:
        raise ImproperlyConfigured("the SMS simulator must be on to seed demo citizens")
    return match.group()


def _ensure_citizen(
    id_number: str, name: str, mobile: str, uscc: str | None, report: SeedReport
) -> None:
    user = User.objects.filter(id_number=id_number).first()
    if user is None:
        accounts.send_registration_code(mobile)
        user = accounts.register_natural_person(
            id_number=id_number,
            name=name,
            mobile=mobile,
            password=DEMO_PASSWORD,
            otp_code=_latest_code(mobile),
        )
        report.add(f"citizen {name}")
    if user.realname_level < User.Level.L2:
        user = accounts.verify_realname_l2(user, actor=user)
    if uscc and not CompanyAccount.objects.filter(uscc=uscc).exists():
        companies.bind_company(user, uscc, actor=user)
        report.add(f"company {uscc}")


def seed_demo_province(*, persons: int = DEMO_PERSONS, entities: int = DEMO_ENTITIES) -> SeedReport:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("the demo province is never seeded in production")
    report = SeedReport()
    result = orgunits.seed_org_units()
    report.add(f"org units: {result}")
    report.add(f"catalogue: {import_catalog()}")
    calendar.load_calendar_data()
    keys.platform_signing_key()
    registries.ensure_demo_people()
    missing = persons - Person.objects.count()
    if missing > 0:
        registries.seed_registries(persons=persons, entities=entities, seed=DEMO_SEED)
        report.add(f"registries: {persons} persons, {entities} entities")
    with transaction.atomic():
        _ensure_staff(report)
    for id_number, name, mobile, uscc in DEMO_CITIZENS:
        _ensure_citizen(id_number, name, mobile, uscc, report)
    ensure_demo_client()
    _ensure_licences(report)
    for path in APP_DEMO_SEEDS:
        import_string(path)(report)
    return report


# --- licences ---------------------------------------------------------------------------------
def _seal_units() -> list[OrgUnit]:
    """Departments in ``SEAL_DIVISIONS`` that implement an item with an e-licence output, and
    the province departments named by a licence type."""
    # Plain indexed lookups joined in Python: a database-side join here was planned very
    # badly by PostgreSQL on tables bulk-inserted in the same transaction (minutes).
    current_versions = ServiceItem.objects.exclude(current_version=None).values_list(
        "current_version", flat=True
    )
    items_with_outputs = {
        item_id
        for item_id, outputs in ItemVersion.objects.filter(
            pk__in=list(current_versions)
        ).values_list("item_id", "outputs")
        if outputs
    }
    unit_ids = {
        unit_id
        for item_id, unit_id in Implementation.objects.values_list("item_id", "org_unit_id")
        if item_id in items_with_outputs
    }
    units = {
        unit.code: unit
        for unit in OrgUnit.objects.filter(division_code__in=SEAL_DIVISIONS)
        if unit.pk in unit_ids
    }
    for department in LicenceType.objects.values_list("department_name", flat=True).distinct():
        unit = orgunits.department_unit(orgunits.PROVINCE_CODE, department)
        if unit is not None:
            units.setdefault(unit.code, unit)
    return [units[code] for code in sorted(units)]


def _licence_fields(licence_type, holder) -> dict:
    """Face items of a demo licence read from its holder's registry record (the field
    ``source`` paths ``person.*`` / ``entity.*``; choices as their labels)."""
    values = {}
    for spec in licence_type.field_schema or []:
        kind, _dot, attr = (spec.get("source") or "").partition(".")
        if kind not in ("entity", "person") or not hasattr(holder, attr):
            continue
        display = getattr(holder, f"get_{attr}_display", None)
        value = display() if display else getattr(holder, attr)
        if value not in (None, ""):
            values[spec["name"]] = value
    return values


def _ensure_demo_licence(type_key, holder_code, division_code, department, report) -> None:
    """Issue one demo licence through the issuing service (the holder's account, when there
    is one, is found by the service). Skipped when the holder already has one of the type."""
    licence_type = LicenceType.objects.get(key=type_key)
    if Licence.objects.filter(licence_type=licence_type, holder_code=holder_code).exists():
        return
    if licence_type.holder_type == HolderType.LEGAL:
        holder = LegalEntity.objects.get(uscc=holder_code)
    else:
        holder = Person.objects.get(id_number=holder_code)
    licence = issuing.issue_licence(
        licence_type=licence_type,
        issuer=_staff_unit(division_code, department),
        holder_type=licence_type.holder_type,
        holder_name=holder.name,
        holder_code=holder_code,
        fields=_licence_fields(licence_type, holder),
        actor=None,
        notify=False,
    )
    report.add(f"licence {licence_type.name} {licence.identifier}")


def _ensure_licences(report: SeedReport) -> None:
    types = import_licence_types()
    if types.changed:
        report.add(f"licence types: {len(types.created)} created, {len(types.updated)} updated")
    sealed = set(Seal.objects.values_list("org_unit_id", flat=True))
    created = 0
    for unit in _seal_units():
        if unit.pk not in sealed:
            seals.create_seal(unit, actor=None)
            created += 1
    if created:
        report.add(f"seals: {created}")
    for type_key, holder_code, division_code, department in DEMO_LICENCES:
        _ensure_demo_licence(type_key, holder_code, division_code, department, report)


def demo_accounts_text(url: str) -> str:
    staff_lines = "\n".join(
        f"  {username:<12} {name}  {RoleAssignment.Role(role).label}"
        for username, name, role, *_ in DEMO_STAFF
    )
    citizen_lines = "\n".join(
        f"  {id_number}  {name}  手机 {mobile}" + ("  （企业法定代表人）" if uscc else "")
        for id_number, name, mobile, uscc in DEMO_CITIZENS
    )
    return (
        f"\n通办 Tongban demo is running at {url}\n"
        f"  门户 portal {url}   工作台 workbench {url}workbench/   控制台 console {url}console/\n"
        f"  API docs {url}api/v1/docs   健康检查 {url}healthz   演示部门系统 SSO demo {url}demo-dept/\n"
        f"\nDemo accounts (password {DEMO_PASSWORD}):\n"
        f"Staff 工作人员 (login name):\n{staff_lines}\n"
        f"Citizens 办事人 (ID number or mobile; SMS codes appear in {url}console/sms/ as operator):\n"
        f"{citizen_lines}\n"
        f"Try registering as a newcomer: {NEWCOMER[1]} {NEWCOMER[0]} 手机 {NEWCOMER[2]}"
        f" (legal representative of {NEWCOMER[3]}).\n"
        f"E-licences 电子证照: {url}my/licences/ (李四's company holds a 营业执照, 王芳 a 居民身份证);"
        f" anyone verifies at {url}verify/\n"
    )
