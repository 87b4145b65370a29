"""Sharing models, one module per aggregate: catalogue (resources, data items), requests
(consumer systems, share requests, grants), access (the chained access log), opendata
(datasets, versions, usage)."""

from tongban.sharing.models.access import *  # noqa: F403
from tongban.sharing.models.catalogue import *  # noqa: F403
from tongban.sharing.models.exchange import *  # noqa: F403
from tongban.sharing.models.opendata import *  # noqa: F403
from tongban.sharing.models.quality import *  # noqa: F403
from tongban.sharing.models.requests import *  # noqa: F403
