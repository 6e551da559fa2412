"""Filter types shared by the apps' list endpoints."""

import datetime as dt

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class UTCDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601 in, UTC out. PostgreSQL refuses offsets beyond ±15:59 that ISO parsing
    accepts, and far-past dates can overflow the conversion; both become a 400."""

    def clean(self, value):
        parsed = super().clean(value)
        if parsed is None:
            return None
        try:
            if parsed.utcoffset() is not None and abs(parsed.utcoffset()) > dt.timedelta(hours=14):
                raise ValueError
            return parsed.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(
                _("Enter a date and time with a real time zone offset."), code="invalid"
            )


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField
