"""Template filters of payment orders: ``{{ fen|yuan }}`` → "60.00"."""

from django import template

from tongban.payments.models.orders import yuan as _yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    try:
        return _yuan(int(value))
    except (TypeError, ValueError):
        return ""
