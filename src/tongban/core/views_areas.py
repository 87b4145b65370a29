"""Home pages of the staff areas: workbench (窗口/审批) and console (管理/运营/审计).

Each home page shows cards linking to the tools the person may use, chosen from the
permissions their roles grant (``core.permissions``), and lists their roles with the org
units' full names. People without a staff role get a 403 page instead of an empty shell.

Two more areas have no permission: ``"portal"`` (links on the portal home, for everyone) and
``"my"`` (the signed-in person's own records on the "我的" page); their tools carry
``permission=""`` and are read with :func:`open_cards`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tongban.core import permissions
from tongban.core.models import RoleAssignment


@dataclass(frozen=True)
class Tool:
    url_name: str
    title: str
    description: str
    permission: str
    simulator: bool = False  # shown only while SIMULATORS_ENABLED


WORKBENCH_TOOLS = [
    Tool(
        "registries:lookup",
        _("人口/法人查询"),
        _("按身份证号或统一社会信用代码查询人口库、法人库（按权限脱敏）"),
        permissions.REGISTRIES_VIEW_PERSON,
    ),
    Tool(
        "identity:inperson_verify",
        _("现场实名核验"),
        _("窗口核验办事人身份证件，将账号升级为 L3 实人认证"),
        permissions.IDENTITY_VERIFY_REALNAME,
    ),
]

CONSOLE_TOOLS = [
    Tool(
        "staff:staff_list",
        _("工作人员管理"),
        _("创建工作人员账户、分配角色、导入花名册"),
        permissions.IDENTITY_MANAGE_STAFF,
    ),
    Tool(
        "oidc_console:client_list",
        _("接入应用（OIDC）"),
        _("登记部门系统、审核可获取的信息范围、轮换密钥"),
        permissions.IDENTITY_MANAGE_OIDC_CLIENTS,
    ),
    Tool(
        "console:audit_list",
        _("审计日志"),
        _("查询审计事件、校验审计链完整性"),
        permissions.CORE_VIEW_AUDIT,
    ),
    Tool(
        "console:calendar_list",
        _("工作日历"),
        _("维护法定节假日和调休，用于计算办理时限"),
        permissions.CORE_MANAGE_CALENDAR,
    ),
    Tool(
        "sms:outbox",
        _("短信模拟器"),
        _("查看模拟发送的短信（演示环境）"),
        permissions.IDENTITY_VIEW_SMS_OUTBOX,
        simulator=True,
    ),
]


PORTAL_TOOLS: list[Tool] = []
MY_TOOLS: list[Tool] = []


def register_tool(area: str, tool: Tool) -> None:
    """Apps built on core add their cards from ``AppConfig.ready`` (core imports no app)."""
    tools = {
        "workbench": WORKBENCH_TOOLS,
        "console": CONSOLE_TOOLS,
        "portal": PORTAL_TOOLS,
        "my": MY_TOOLS,
    }[area]
    if tool not in tools:
        tools.append(tool)


@dataclass(frozen=True)
class Card:
    url: str
    title: str
    description: str


def _role_assignments(user) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(user=user, org_unit__is_active=True)
        .select_related("org_unit", "org_unit__parent")
        .order_by("org_unit__path", "role")
    )


def _permissions(user, assignments) -> set[str]:
    """What the user may do somewhere — the same answer as ``permissions.has_perm`` but from
    the assignments already loaded (one query for the whole page)."""
    if user.is_superuser:
        return permissions.all_permissions()
    granted: set[str] = set()
    for assignment in assignments:
        granted |= permissions.permissions_of_role(assignment.role)
    return granted


def _cards(tools, granted: set[str]) -> list[Card]:
    cards = []
    for tool in tools:
        if tool.permission not in granted or (tool.simulator and not settings.SIMULATORS_ENABLED):
            continue
        try:
            url = reverse(tool.url_name)
        except NoReverseMatch:  # the app providing the tool is not installed
            continue
        cards.append(Card(url, str(tool.title), str(tool.description)))
    return cards


def open_cards(area: str) -> list[Card]:
    """The cards of an area without permissions: ``"portal"`` or ``"my"``."""
    return _cards({"portal": PORTAL_TOOLS, "my": MY_TOOLS}[area], {""})


def _forbidden(request, area: str):
    return render(request, "core/area_forbidden.html", {"area": area}, status=403)


def _area_context(request):
    assignments = _role_assignments(request.user)
    granted = _permissions(request.user, assignments)
    return assignments, {
        "roles": assignments,
        "workbench_cards": _cards(WORKBENCH_TOOLS, granted),
        "console_cards": _cards(CONSOLE_TOOLS, granted),
    }


@login_required
def workbench_home(request):
    """Any staff role opens the workbench; the cards depend on the role."""
    assignments, context = _area_context(request)
    if not assignments and not request.user.is_superuser:
        return _forbidden(request, _("政务工作台"))
    return render(request, "workbench/home.html", context)


@login_required
def console_home(request):
    """Only people with at least one console tool (operators, auditors, department admins)."""
    _assignments, context = _area_context(request)
    if not context["console_cards"]:
        return _forbidden(request, _("管理控制台"))
    return render(request, "console/home.html", context)
