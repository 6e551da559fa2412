from regulator.models.accounts import Role, User
from regulator.models.audit import AuditEvent
from regulator.models.authority import NATIONAL, Authority
from regulator.models.calendar import CalendarOverride
from regulator.models.enterprise import Enterprise
from regulator.models.idempotency import IdempotencyRecord
from regulator.models.tokens import ApiToken

__all__ = [
    "NATIONAL",
    "ApiToken",
    "AuditEvent",
    "Authority",
    "CalendarOverride",
    "Enterprise",
    "IdempotencyRecord",
    "Role",
    "User",
]
