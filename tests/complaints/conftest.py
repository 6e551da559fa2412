"""Complaint helpers: complaints made through the intake service and walked through the
workflow by the real services (no direct status writes)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from complaints import services
from complaints.models import Complaint
from regulator.models import Role
from tests.factories import UserFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int = 10):
    """A moment on a Shanghai date, for time_machine."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def handler_bj(db):
    """A handler of the Beijing administration (ent_a's centre)."""
    return UserFactory(username="handler_bj", role=Role.HANDLER, province="11", email="hbj@example.org")


@pytest.fixture
def make_complaint(handler):
    def make(ent, *, actor=None, kind="internet", category="network", **kw) -> tuple[Complaint, str]:
        defaults = {
            "description": "信号差，多次断线",
            "complainant_name": "王小明",
            "complainant_phone": "13912345678",
            "complainant_email": "xiaoming@example.com",
            "enterprise_uscc": ent.uscc,
        }
        if kind == "telecom":
            defaults["first_raised_on"] = timezone.localdate() - dt.timedelta(days=20)
        defaults.update(kw)
        return services.complaint_intake(actor=actor or handler, kind=kind, category=category, **defaults)

    return make


def walk(c: Complaint, actor, steps: list[str], enterprise_user=None, **kw) -> Complaint:
    """Run named steps through the services in order."""
    for step in steps:
        if step == "accept":
            c = services.complaint_accept(actor=actor, complaint_id=c.pk)
        elif step == "forward":
            c = services.complaint_forward(actor=actor, complaint_id=c.pk)
        elif step == "respond":
            c = services.complaint_respond(actor=enterprise_user, complaint_id=c.pk, response="已处理")
        elif step == "mediate":
            c = services.complaint_mediate(actor=actor, complaint_id=c.pk)
        elif step == "close":
            c = services.complaint_close(
                actor=actor, complaint_id=c.pk, outcome=kw.get("outcome", "resolved")
            )
        else:
            raise ValueError(step)
    return c


def travel(day: dt.date, hour: int = 10):
    return time_machine.travel(at(day, hour), tick=False)
