"""Checks of values people type into URLs and query strings, as 400 field errors."""

from django.utils.translation import gettext as _

from config.api import ApplicationError
from regulator import uscc


def uscc_param(raw: str, field: str = "uscc") -> str:
    """The normalised USCC from a path or query parameter, or a 400 naming what is wrong
    (length, characters, the check character), instead of a 404 for a code that cannot
    exist (GB 32100-2015; REGULATION.md §5)."""
    try:
        return uscc.validate(raw)
    except uscc.USCCError as exc:
        raise ApplicationError(_("Invalid unified social credit code."), errors={field: [str(exc)]})
