from regulator.models.accounts import Role, User
from regulator.models.audit import AuditEvent
from regulator.models.authority import NATIONAL, Authority
from regulator.models.calendar import CalendarOverride
from regulator.models.enterprise import Enterprise
from regulator.models.idempotency import IdempotencyRecord

__all__ = ["NATIONAL", "Authority", "AuditEvent", "CalendarOverride", "Enterprise", "IdempotencyRecord", "Role", "User"]
