from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from tongban.cases import licence_outputs, payment_orders, ratings
        from tongban.cases.permissions import CASES_MONITOR_DEADLINES
        from tongban.cases.services import applications  # noqa: F401  (registers its validator)
        from tongban.cases.services.webhooks import CASES_MANAGE_WEBHOOK
        from tongban.core import permissions
        from tongban.core.models import RoleAssignment
        from tongban.core.views_areas import Tool, register_tool

        Role = RoleAssignment.Role
        permissions.register_permissions(
            {Role.DEPT_ADMIN: [CASES_MANAGE_WEBHOOK], Role.OPERATOR: [CASES_MANAGE_WEBHOOK]}
        )
        ratings.register()  # 好差评 figures on the catalogue's guide pages
        from tongban.cases import licence_wallet

        licence_wallet.register()  # the licence wallet in applications (用证)
        licence_outputs.register()  # e-licences issued when an approved case concludes
        payment_orders.register()  # fees: accepted charging cases wait for their payment
        register_tool("my", Tool("my_cases:list", _("我的办件"), _("申办进度、补正、缴费"), ""))
        register_tool("my", Tool("ratings:rating_list", _("我的评价"), _("办结办件的好差评"), ""))
        register_tool(
            "workbench",
            Tool(
                "workbench_cases:queue",
                _("办件工作台"),
                _("受理、审查、办结办件"),
                permissions.CASES_VIEW_CASE,
            ),
        )
        register_tool(
            "workbench",
            Tool(
                "rectifications:rectification_list",
                _("差评整改"),
                _("差评回访、整改与部门评价情况"),
                permissions.CASES_VIEW_CASE,
            ),
        )
        register_tool(
            "console",
            Tool(
                "cases_console:deadline_status",
                _("办理时限监控"),
                _("各部门办件按时、预警、超期情况"),
                CASES_MONITOR_DEADLINES,
            ),
        )
        register_tool(
            "console",
            Tool(
                "webhooks:subscription_list",
                _("办件状态推送"),
                _("向部门系统推送办件状态变化（签名、重试）"),
                CASES_MANAGE_WEBHOOK,
            ),
        )
