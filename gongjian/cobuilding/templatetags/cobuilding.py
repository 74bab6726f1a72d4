"""``{% unit_commendations unit %}``: the unit's pennants and letters of thanks, for the unit's page."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from gongjian.cobuilding.selectors import commendation_list

register = template.Library()


@register.inclusion_tag("cobuilding/unit_commendations.html", takes_context=True)
def unit_commendations(context: dict[str, Any], unit: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"commendations": list(commendation_list(user=user, unit_id=unit.pk)[:12]), "request": request}


@register.filter
def yuan(value: Any) -> str:
    """Money as 205,000.00 (grouped by thousands in every language)."""
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
