"""The catalogue's rating provider: an item's 好差评 figures for its guide page.

Registered with ``tongban.catalog.ratings.register_rating_provider`` when the cases app is
ready, so the catalogue shows ratings without importing the cases app.
"""

from tongban.cases.selectors.evaluation import item_rating


def catalogue_rating(item) -> dict | None:
    """``{"count", "average", "good_rate"}`` (good rate 0..1) of the item's rated cases, or
    ``None`` while nobody has rated it."""
    summary = item_rating(item)
    if not summary.count:
        return None
    return {
        "count": summary.count,
        "average": summary.average,
        "good_rate": round(summary.good_count / summary.count, 3),
    }


def register() -> None:
    from tongban.catalog.ratings import register_rating_provider

    register_rating_provider(catalogue_rating)
