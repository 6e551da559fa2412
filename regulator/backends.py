"""Password login with account lockout (issue 9, point 2; OWASP ASVS 2.2.1).

TELEREG_LOGIN_LOCKOUT_THRESHOLD wrong passwords in a row lock the account for
TELEREG_LOGIN_LOCKOUT_MINUTES, admin and API alike (both call ``authenticate``). While
locked, the password is not even checked, and the answer is the same as for a wrong password
(no hint to a guesser whether the account exists or is locked). Each lock is audited.
"""

import datetime as dt

from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.utils import timezone

from regulator import audit, conf
from regulator.models import User


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            # Spend the time a password check takes, so timing does not reveal the account.
            User().set_password(password)
            return None
        if user.locked_until is not None and user.locked_until > timezone.now():
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        record_failure(user.pk)
        return None


def record_failure(user_id: int) -> bool:
    """Count one wrong password; lock (and audit) at the threshold. True when now locked."""
    threshold = int(conf.get("LOGIN_LOCKOUT_THRESHOLD"))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        user.failed_logins += 1
        if user.failed_logins < threshold:
            user.save(update_fields=["failed_logins"])
            return False
        until = timezone.now() + dt.timedelta(minutes=int(conf.get("LOGIN_LOCKOUT_MINUTES")))
        user.failed_logins, user.locked_until = 0, until
        user.save(update_fields=["failed_logins", "locked_until"])
        audit.record(
            actor="login",
            action="user.locked",
            obj=user,
            after={"locked_until": until, "failures": threshold},
            reason="repeated wrong passwords",
        )
    return True
