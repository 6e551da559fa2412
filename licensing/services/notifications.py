"""Notices to the people a licensing event concerns (issue 11 point 12): an in-app list
per user, and an e-mail through Django's mail backend to those with an address. The
e-mail is sent after the deciding transaction commits (never for a rolled-back
decision), and a failing mail server never undoes the decision: the row stays, with no
``emailed_at``, and the in-app notice is there regardless.

One notice per (user, object, event): re-running a sweep does not notify twice.
"""

import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import NotFound
from licensing.models import Notification
from regulator.models import Role, User

log = logging.getLogger(__name__)


def enterprise_users(enterprise_id: int):
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_id=enterprise_id, is_active=True)


def officers_of(authority: str):
    return User.objects.filter(role=Role.OFFICER, authority_id=authority, is_active=True)


def notify(*, users, subject: str, body: str, obj, event: str) -> int:
    """Record a notice for each of ``users`` about ``obj`` (caller's transaction) and
    e-mail it after commit. Returns how many new notices were written."""
    object_type = f"{obj._meta.app_label}.{obj._meta.model_name}"
    created = []
    now = timezone.now()
    for user in users:
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user,
                        subject=subject[:200],
                        body=body,
                        object_type=object_type,
                        object_id=str(obj.pk),
                        event=event,
                        created_at=now,
                    ).pk
                )
        except IntegrityError:
            continue  # already told
    if created:
        transaction.on_commit(lambda: _email(created), robust=True)
    return len(created)


def _email(ids: list[int]) -> None:
    for n in Notification.objects.select_related("recipient").filter(pk__in=ids, emailed_at__isnull=True):
        if not n.recipient.email:
            continue
        try:
            send_mail(n.subject, n.body, None, [n.recipient.email])
        except Exception:  # the in-app notice stands; the mail can be retried by hand
            log.exception("licensing notification %s: e-mail failed", n.pk)
            continue
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())


def notification_read(*, actor, notification_id: int) -> Notification:
    """Mark one of the actor's own notices as read (idempotent)."""
    n = Notification.objects.filter(pk=notification_id, recipient_id=getattr(actor, "pk", None)).first()
    if n is None:
        raise NotFound(_("Not found."))
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return n
