"""Who may see and act on what (DESIGN.md, Users and roles), in one place.

Every selector and service scopes by the actor through these helpers, so an API view, a
task, a command and the admin all pass the same check. The rules:

- an enterprise user sees its own enterprise's rows only;
- officers act on what their authority *issues* (an application's or licence's issuer,
  REGULATION.md §1.1): a provincial officer never decides an MIIT case, and vice versa;
- supervisors, handlers, inspectors and auditors act within their authority's
  *jurisdiction*: national staff everywhere, provincial staff on enterprises (or other
  rows) of their province;
- the public and unknown roles see nothing here (public endpoints use their own
  published-only selectors).

A row out of scope and a missing row are the same to the caller: ``NotFound``.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from config.api import Forbidden, NotFound
from regulator.models import NATIONAL, Role

STAFF_ROLES = frozenset({Role.OFFICER, Role.INSPECTOR, Role.SUPERVISOR, Role.HANDLER, Role.AUDITOR})


def role_of(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return getattr(actor, "role", "") or ""


def is_staff(actor: Any) -> bool:
    return role_of(actor) in STAFF_ROLES


def authority_code(actor: Any) -> str:
    """The actor's authority code ("MIIT" or a province code); "" for non-staff."""
    return (getattr(actor, "authority_id", None) or "") if is_staff(actor) else ""


def is_national(actor: Any) -> bool:
    return authority_code(actor) == NATIONAL


def jurisdiction(actor: Any) -> str | None:
    """None for national staff (everywhere); a province code for provincial staff.

    Raises NotFound for anyone without a staff jurisdiction, so a caller that forgets to
    check the role still leaks nothing."""
    code = authority_code(actor)
    if not code:
        raise NotFound(_("Not found."))
    return None if code == NATIONAL else code


def in_jurisdiction(actor: Any, province: str) -> bool:
    try:
        mine = jurisdiction(actor)
    except NotFound:
        return False
    return mine is None or mine == province


def scope(
    actor: Any,
    qs: QuerySet,
    *,
    enterprise: str | None = "enterprise",
    province: str | None = "enterprise__province",
    issuer: str | None = None,
    roles: frozenset[str] | None = None,
) -> QuerySet:
    """Filter ``qs`` to the rows ``actor`` may see.

    ``enterprise``: the path to the owning enterprise (for enterprise users; None = they
    see nothing). ``province``: the path to the province deciding jurisdiction (None = only
    national staff see rows). ``issuer``: for officers, the path to the issuing authority
    code; when given, officers are scoped by it instead of by province. ``roles``: the
    roles allowed at all (default: every role)."""
    role = role_of(actor)
    if roles is not None and role not in roles:
        return qs.none()
    if role == Role.ENTERPRISE:
        if enterprise is None or not getattr(actor, "enterprise_id", None):
            return qs.none()
        key = f"{enterprise}_id" if enterprise else "pk"
        return qs.filter(**{key: actor.enterprise_id})
    if role not in STAFF_ROLES:
        return qs.none()
    code = authority_code(actor)
    if not code:
        return qs.none()
    if role == Role.OFFICER and issuer is not None:
        return qs.filter(**{issuer: code})
    if code == NATIONAL:
        return qs
    if province is None:
        return qs.none()
    return qs.filter(**{province: code})


def require_jurisdiction(actor: Any, province: str) -> None:
    """For services acting on one row: NotFound unless the row's province is in reach."""
    if not in_jurisdiction(actor, province):
        raise NotFound(_("Not found."))


def require_issuer(actor: Any, issuer: str) -> None:
    """Officers act only on what their own authority issues (§1.1)."""
    if role_of(actor) != Role.OFFICER or authority_code(actor) != issuer:
        raise NotFound(_("Not found."))


def require_role(actor: Any, *roles: str) -> None:
    """Services called from tasks and commands pass a string actor ("sweep"); a user actor
    must hold one of ``roles``."""
    if getattr(actor, "is_authenticated", False) and role_of(actor) not in roles:
        raise Forbidden(_("Your role may not do this."))
