"""Demo 12345 work orders of Guangzhou, one at each interesting step (idempotent: each demo
order carries ``source_ref`` ``demo-<n>`` and is created only once).

* demo-1: 王芳's complaint about restaurant fumes and noise in 天河区 — waiting for the
  hotline (log in as ``hotline``) to dispatch it; the suggestion is 广州市生态环境局.
* demo-2: 李四's report of the same problem — linked to demo-1 (one answer closes both).
* demo-3: a caller's question about moving a household registration (hotline entry) —
  dispatched to 广州市公安局 for ``gz_psb_clerk`` to answer or return.
* demo-4: 王芳's complaint about a residence-permit queue — answered by 广州市公安局 and
  concluded: the hotline calls back, 王芳 rates it on /my/workorders/.
"""

from django.db import transaction

from tongban.core.orgunits import department_unit
from tongban.identity.models import User
from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.services import workorders as services

WANG_FANG = "440106199203150049"
LI_SI = "440304198505050020"


def _user(**lookup):
    return User.objects.filter(**lookup).first()


def _create(ref, report, **values):
    order = WorkOrder.objects.filter(source_ref=ref).first()
    if order is not None:
        return order, False
    order = services.create_work_order(source_ref=ref, **values)
    report.add(f"work order {order.number} ({ref})")
    return order, True


def seed(report) -> None:
    """Add demo rows; ``report.add(line)`` records what was done."""
    wang, li = _user(id_number=WANG_FANG), _user(id_number=LI_SI)
    hotline = _user(username="hotline")
    psb_clerk = _user(username="gz_psb_clerk")
    psb = department_unit("440100", "公安局")
    if not all((wang, li, hotline, psb_clerk, psb)):
        report.add("work orders: demo people or staff missing, skipped")
        return
    with transaction.atomic():
        _create(
            "demo-1",
            report,
            actor=wang,
            kind="complaint",
            channel="web",
            title="饭店油烟噪音扰民",
            content="天河区体育西路某饭店每天晚上油烟和噪音扰民，严重影响休息，请尽快处理。",
            division_code="440106",
            location="天河区体育西路",
        )
        _create(
            "demo-2",
            report,
            actor=li,
            kind="complaint",
            channel="web",
            title="油烟噪音扰民",
            content="体育西路那家饭店晚上油烟噪音很大，扰民影响休息。",
            division_code="440106",
            location="天河区体育西路",
        )
        question, created = _create(
            "demo-3",
            report,
            actor=hotline,
            kind="consultation",
            channel="hotline",
            title="户口迁移咨询",
            content="来电人咨询：在广州买房后，户口迁入需要准备哪些材料、到哪里办理？",
            contact_name="陈先生",
            contact_mobile="13711112222",
            division_code="440100",
        )
        if created:
            services.dispatch_work_order(question, actor=hotline, department=psb)
        complaint, created = _create(
            "demo-4",
            report,
            actor=wang,
            kind="complaint",
            channel="web",
            title="居住证办理排队时间长",
            content="上周到派出所办理居住证，排队两个多小时，希望增加窗口或开放网上预约。",
            division_code="440106",
        )
        if created:
            services.dispatch_work_order(complaint, actor=hotline, department=psb)
            services.reply_work_order(
                complaint,
                actor=psb_clerk,
                reply="已增开居住证受理窗口，并开通网上预约，可在“大厅预约”中选择时段。",
            )
            services.conclude_work_order(complaint, actor=hotline)
