"""`{{ amount|yuan }}`: money as the penalty pages show it."""

from __future__ import annotations

from django import template

from aftersales.contracts.penalties import money

register = template.Library()


@register.filter
def yuan(value) -> str:
    """¥1,234.50"""
    return money(value)
