"""Demo halls of the service desk, called by the demo province seed (idempotent).

Two halls: 广州市政务服务中心 (city) and 天河区政务服务中心 (the district of the demo citizen
王芳), each with windows for 公安局 and 市场监督管理局 and a general window (综合窗口), hourly
slots on working days (9–12, 14–17; four places each) and slots generated for the booking
horizon. Staff see them in the workbench (大厅预约与叫号): gz_psb_clerk works at the city
hall's windows, th_clerk at the district's; gz_admin / gz_psb_admin configure them.
"""

from datetime import time

from tongban.core import orgunits
from tongban.servicedesk.models import Hall
from tongban.servicedesk.services import halls

DEMO_HALLS = [
    # (code, division, name, address)
    ("gz-center", "440100", "广州市政务服务中心", "广州市天河区天河北路 1 号"),
    ("th-center", "440106", "天河区政务服务中心", "广州市天河区天府路 1 号"),
]
DEMO_WINDOWS = [
    ("01", "公安综合窗口", ["公安局"]),
    ("02", "市场监管窗口", ["市场监督管理局"]),
    ("03", "综合窗口", []),
]
HOURS = [(9, 10), (10, 11), (11, 12), (14, 15), (15, 16), (16, 17)]
OPENING_HOURS = "周一至周五 9:00-12:00，14:00-17:00（法定节假日除外）"


def seed(report) -> None:
    """Add demo rows; ``report.add(line)`` records what was done."""
    from tongban.identity.services.staff import SYSTEM

    for code, division, name, address in DEMO_HALLS:
        hall = Hall.objects.filter(code=code).first()
        if hall is None:
            unit = orgunits.region_unit(division)
            if unit is None:
                continue
            hall = halls.create_hall(
                actor=SYSTEM,
                org_unit=unit,
                code=code,
                name=name,
                address=address,
                opening_hours=OPENING_HOURS,
            )
            for number, window_name, departments in DEMO_WINDOWS:
                halls.add_window(
                    hall, actor=SYSTEM, number=number, name=window_name, departments=departments
                )
            for start, end in HOURS:
                halls.add_slot_templates(
                    hall,
                    actor=SYSTEM,
                    weekdays=range(5),
                    start_time=time(start),
                    end_time=time(end),
                    capacity=4,
                )
            report.add(f"hall {code} (kiosk /hall/kiosk/{hall.kiosk_key}/)")
        created = halls.ensure_slots(hall)
        if created:
            report.add(f"hall {code}: {created} slots")
