from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "tongban.sharing"
    label = "sharing"
    verbose_name = "数据共享与开放"

    def ready(self) -> None:
        from tongban.core.views_areas import Tool, register_tool
        from tongban.sharing import permissions

        permissions.register()
        register_tool(
            "portal",
            Tool("sharing_opendata:portal", _("开放数据"), _("政府开放数据集下载与接口"), ""),
        )
        register_tool(
            "my",
            Tool(
                "sharing_my:data_usage",
                _("我的数据使用记录"),
                _("哪些部门因何事查询了我的个人数据"),
                "",
            ),
        )
        register_tool(
            "workbench",
            Tool(
                "sharing_workbench:home",
                _("数据共享"),
                _("本部门的共享申请、授权、使用系统，以及待本部门审核的申请"),
                permissions.SHARING_REQUEST_SHARE,
            ),
        )
        register_tool(
            "workbench",
            Tool(
                "sharing_catalogue:list",
                _("政务信息资源目录"),
                _("查找各部门登记的共享资源及其信息项，按职能申请使用"),
                permissions.SHARING_VIEW_RESOURCE,
            ),
        )
        register_tool(
            "workbench",
            Tool(
                "sharing_workbench:access_log",
                _("数据使用记录"),
                _("谁在何时、为何使用了本部门提供的数据（调用日志）"),
                permissions.SHARING_VIEW_ACCESS_LOG,
            ),
        )
        register_tool(
            "console",
            Tool(
                "sharing_console:home",
                _("共享协调仲裁"),
                _("逾期未答复的共享申请：协调与仲裁；共享调用日志链校验"),
                permissions.SHARING_ARBITRATE_SHARE,
            ),
        )
        # uploaded datasets and the open data portal
        from tongban.sharing import permissions_opendata

        permissions_opendata.register()
        register_tool(
            "console",
            Tool(
                "sharing_opendata:manage",
                _("数据集与开放数据"),
                _("导入数据集新版本（CSV/XLSX）、查看历史版本、在开放数据门户发布或撤回"),
                permissions_opendata.SHARING_IMPORT_DATASET,
            ),
        )
        register_tool(
            "console",
            Tool(
                "sharing_opendata:negative_list",
                _("不予开放清单"),
                _("维护不予开放的资源清单；列入后已开放的数据集立即撤回"),
                permissions_opendata.SHARING_MANAGE_NEGATIVE_LIST,
            ),
        )
        self._ready_exchange_quality()

    def _ready_exchange_quality(self) -> None:
        """Exchange subscriptions, data quality, error reports and the sharing metrics."""
        from tongban.core.views_areas import Tool, register_tool
        from tongban.sharing import permissions, permissions_quality

        permissions_quality.register()
        register_tool(
            "workbench",
            Tool(
                "sharing_workbench:exchange",
                _("共享交换订阅"),
                _("按授权定时接收资源的变更：文件下载或签名推送，查看每次交付"),
                permissions.SHARING_REQUEST_SHARE,
            ),
        )
        register_tool(
            "workbench",
            Tool(
                "sharing_workbench:quality",
                _("数据质量与纠错"),
                _("本部门资源的质量规则和质量报告；报告数据错误、答复和更正纠错"),
                permissions_quality.SHARING_VIEW_QUALITY,
            ),
        )
        register_tool(
            "console",
            Tool(
                "sharing_console:quality",
                _("数据治理"),
                _("各部门的数据质量报告；逾期未答复或未更正的数据纠错"),
                permissions_quality.SHARING_OVERSEE_QUALITY,
            ),
        )
        register_tool(
            "console",
            Tool(
                "sharing_console:metrics",
                _("共享指标"),
                _("各部门的信息共享率、申请办理用时和逾期申请"),
                permissions_quality.SHARING_VIEW_METRICS,
            ),
        )
