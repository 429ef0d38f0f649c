"""Dates as visitors read them in a mail, in Dutch or English.

Mail is rendered by the worker as well as in requests, where Plone's own date
formatting (which needs a request and its locale) is not at hand; the two
languages the platform serves need only their month names.
"""

from datetime import datetime


_MONTHS = {
    "nl": (
        "januari februari maart april mei juni juli augustus september oktober "
        "november december"
    ).split(),
    "en": (
        "January February March April May June July August September October "
        "November December"
    ).split(),
}


def long_date(value: datetime | None, lang: str) -> str:
    """``3 december 2026`` (nl) or ``3 December 2026`` (en); "" for None."""
    if value is None:
        return ""
    months = _MONTHS.get(lang, _MONTHS["en"])
    return f"{value.day} {months[value.month - 1]} {value.year}"
