"""Masking in templates: ``{% load masking %}``.

Filters mask unconditionally: ``{{ person.mobile|mask_mobile }}``,
``{{ value|mask_pii:"id_number" }}``. The ``pii`` tag masks unless the view decided the
viewer may see the value (``masking.can_view_pii``)::

    {% pii person.id_number "id_number" show_pii %}
"""

from django import template

from tongban.core import masking

register = template.Library()

register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_mobile", masking.mask_mobile)
register.filter("mask_name", masking.mask_name)
register.filter("mask_address", masking.mask_address)
register.filter("mask_bank_account", masking.mask_bank_account)
register.filter("mask_text", masking.mask_text)


@register.filter
def mask_pii(value, kind):
    return masking.mask_value(kind, value)


@register.simple_tag
def pii(value, kind, visible=False):
    """The value itself when ``visible`` is true, else its masked form."""
    if value is None:
        return ""
    return str(value) if visible else masking.mask_value(kind, value)
