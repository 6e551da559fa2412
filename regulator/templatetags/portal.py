"""Template helpers of the public portal (regulator/pages.py explains the app hooks)."""

from django import template
from django.utils.translation import get_language

from regulator import pages

register = template.Library()


@register.simple_tag
def portal_nav() -> list[tuple[str, str]]:
    return pages.nav_links()


@register.filter
def province_name(code: str) -> str:
    return pages.province_name(code, get_language() or "")


@register.simple_tag
def localized(obj, field: str) -> str:
    """``obj[field_en]`` on English pages, ``obj[field_zh]`` otherwise (documents and
    catalogue rows carry both names; REGULATION.md §1.8 names services in Chinese)."""
    en = (get_language() or "").startswith("en")
    key = f"{field}_{'en' if en else 'zh'}"
    other = f"{field}_{'zh' if en else 'en'}"
    get = obj.get if isinstance(obj, dict) else lambda k, d="": getattr(obj, k, d)
    return get(key, "") or get(other, "")


@register.filter
def percent(value) -> str:
    """A rate published as a decimal fraction ("0.9125") shown as "91.3%"; blank stays "–"."""
    if value in (None, ""):
        return "–"
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return "–"
