from django.apps import AppConfig


class ServiceDeskConfig(AppConfig):
    name = "tongban.servicedesk"
    label = "servicedesk"
    verbose_name = "智能客服平台"

    def ready(self) -> None:
        self._ready_workorders()
        self._ready_halls()
        self._ready_logistics()
        self._ready_knowledge()
        self._ready_entries()

    def _ready_entries(self) -> None:
        """The portal's and the "我的" page's links into the service desk."""
        from django.utils.translation import gettext_lazy as _

        from tongban.core.views_areas import Tool, register_tool

        register_tool(
            "portal",
            Tool("servicedesk_help:help", _("智能问答"), _("用日常用语提问，找到要办的事"), ""),
        )
        register_tool(
            "portal",
            Tool(
                "servicedesk_workorders:order_list",
                _("12345 诉求"),
                _("咨询、投诉、建议、求助，全程跟踪办理"),
                "",
            ),
        )
        for url_name, title, description in (
            ("servicedesk_appointments:appointment_list", _("我的预约"), _("到厅预约、取号")),
            ("servicedesk_workorders:order_list", _("我的诉求"), _("12345 工单进度与评价")),
            ("servicedesk_logistics:delivery_list", _("我的寄递"), _("上门取件、结果邮寄、地址簿")),
        ):
            register_tool("my", Tool(url_name, title, description, ""))

    def _ready_halls(self) -> None:
        """Halls, appointments and the queue: permissions and workbench tools."""
        from django.utils.translation import gettext_lazy as _

        from tongban.core.views_areas import Tool, register_tool
        from tongban.servicedesk import permissions

        permissions.register()
        register_tool(
            "workbench",
            Tool(
                "servicedesk_halls_workbench:hall_list",
                _("大厅预约与叫号"),
                _("大厅窗口、预约时段、窗口叫号与等候统计"),
                permissions.SERVICEDESK_VIEW_HALL_STATS,
            ),
        )

    def _ready_logistics(self) -> None:
        """Logistics: the window's delivery list."""
        from django.utils.translation import gettext_lazy as _

        from tongban.core.views_areas import Tool, register_tool
        from tongban.servicedesk import permissions_logistics

        permissions_logistics.register()
        register_tool(
            "workbench",
            Tool(
                "servicedesk_logistics_workbench:delivery_list",
                _("物流寄递"),
                _("申请人的上门取件与结果邮寄订单，办结结果交寄快递"),
                permissions_logistics.SERVICEDESK_DISPATCH_DELIVERY,
            ),
        )

    def _ready_workorders(self) -> None:
        """12345 work orders: permissions and the hotline / department workbench tools."""
        from django.utils.translation import gettext_lazy as _

        from tongban.core.permissions import SERVICEDESK_HANDLE_WORK_ORDER
        from tongban.core.views_areas import Tool, register_tool
        from tongban.servicedesk import permissions_workorders

        permissions_workorders.register()
        register_tool(
            "workbench",
            Tool(
                "servicedesk_hotline:hotline_list",
                _("12345 热线工单"),
                _("来电登记、派单、督办、办结与回访"),
                permissions_workorders.SERVICEDESK_DISPATCH_WORK_ORDER,
            ),
        )
        register_tool(
            "workbench",
            Tool(
                "servicedesk_hotline:department_list",
                _("部门承办工单"),
                _("办理派给本部门的 12345 工单：答复或退回"),
                SERVICEDESK_HANDLE_WORK_ORDER,
            ),
        )

    def _ready_knowledge(self) -> None:
        """Q&A assistant: FAQ permissions and the knowledge-base console tool."""
        from django.utils.translation import gettext_lazy as _

        from tongban.core.views_areas import Tool, register_tool
        from tongban.servicedesk import permissions_knowledge

        permissions_knowledge.register()
        register_tool(
            "console",
            Tool(
                "servicedesk_knowledge_console:faq_list",
                _("智能问答知识库"),
                _("本部门常见问题的新增、修改与停用；查看智能问答未解决的提问"),
                permissions_knowledge.SERVICEDESK_MANAGE_FAQ,
            ),
        )
