"""Service-desk models, one module per aggregate: halls (halls, windows, slots, bookings,
queue tickets), knowledge (FAQ entries, feedback), workorders (12345), logistics (addresses,
delivery orders, courier events)."""

from tongban.servicedesk.models.halls import *  # noqa: F403
from tongban.servicedesk.models.knowledge import *  # noqa: F403
from tongban.servicedesk.models.logistics import *  # noqa: F403
from tongban.servicedesk.models.workorders import *  # noqa: F403
