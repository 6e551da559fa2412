from regulator.models.accounts import Role, User
from regulator.models.audit import AuditEvent
from regulator.models.calendar import CalendarOverride
from regulator.models.enterprise import Enterprise
from regulator.models.idempotency import IdempotencyRecord

__all__ = ["AuditEvent", "CalendarOverride", "Enterprise", "IdempotencyRecord", "Role", "User"]
