"""Background tasks of logistics: the courier simulator's asynchronous callbacks.

The simulator signs each tracking event exactly as a courier does and hands the signed bytes
to the same function the callback endpoint (``POST /api/v1/servicedesk/logistics/callbacks/sim``)
calls, from the task worker — so the platform sees it late, and possibly twice or forged.
"""

from django_tasks import task

from tongban.core.exceptions import DomainError
from tongban.servicedesk.couriers import simulator
from tongban.servicedesk.services import logistics


@task()
def send_simulated_callback(
    waybill_no: str, status: str, description: str = "", *, copies: int = 1, forge: bool = False
) -> dict:
    body, headers = simulator.signed_callback(
        waybill_no, status, description=description, forge=forge
    )
    outcomes = []
    for _copy in range(max(1, copies)):  # the same event (same id) sent again: a duplicate
        try:
            event = logistics.process_callback(simulator.SimulatorCourier.key, body, headers)
            outcomes.append(
                "duplicate" if event.duplicate else "applied" if event.applied else "out_of_order"
            )
        except DomainError as exc:
            outcomes.append(exc.code)
    return {"waybill_no": waybill_no, "status": status, "outcomes": outcomes}
