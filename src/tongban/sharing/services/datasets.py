"""Uploaded datasets backing a resource (CSV/XLSX import, versions). (Contract; being
implemented.)"""


def query_rows(resource, *, filters: dict, limit: int, offset: int = 0) -> tuple[list[dict], int]:
    """Rows of the resource's current dataset version whose items equal ``filters``
    (``{item_key: value}``), as ``{item_key: value}`` dicts, and the total count."""
    raise NotImplementedError
