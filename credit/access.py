"""Who may do what in credit, checked inside every service (issue 8): a view, a task, a
command and the admin all pass through the same check, so no caller can skip it.

Actors are users or, for sweeps, tasks and data loaders, a plain string naming the system
process ("sweep"). A user must hold one of the roles a service allows and, if staff, have
the enterprise in their authority's jurisdiction (regulator.scoping: national staff
everywhere, provincial staff in their province); an enterprise user acts on its own rows.
Out of reach and missing are the same 404.
"""

from typing import Any

from django.utils.translation import gettext as _

from config.api import ApplicationError, NotFound
from regulator import scoping
from regulator.models import Authority, Role

# Who decides listings, sanctions and ledger postings: supervisors (DESIGN.md roles), and
# officers for what follows from their licensing decisions (revocation, §2.2; annual
# reports, §1.6; post-checks, §1.3).
DECIDERS = (Role.SUPERVISOR, Role.OFFICER)
# Who may post the automatic rules (inspection results, complaint figures, annual reports).
POSTERS = (Role.SUPERVISOR, Role.OFFICER, Role.INSPECTOR, Role.HANDLER)


def is_system(actor: Any) -> bool:
    return isinstance(actor, str) and bool(actor)


def require_staff(actor: Any, *roles: str) -> None:
    """A user actor must be authenticated staff with one of ``roles`` (system actors pass)."""
    if is_system(actor):
        return
    if not getattr(actor, "is_authenticated", False):
        raise NotFound(_("Not found."))
    scoping.require_role(actor, *roles)


def require_on(actor: Any, enterprise: Any, *roles: str) -> None:
    """Staff with ``roles`` acting on ``enterprise`` within their jurisdiction."""
    require_staff(actor, *roles)
    if not is_system(actor):
        scoping.require_jurisdiction(actor, enterprise.province)


def require_own(actor: Any, enterprise_id: int) -> None:
    """An enterprise user acting on its own enterprise's rows (objection, repair)."""
    if scoping.role_of(actor) != Role.ENTERPRISE or getattr(actor, "enterprise_id", None) != enterprise_id:
        raise NotFound(_("Not found."))


def deciding_authority(actor: Any, code: Any) -> Authority:
    """The Authority named by ``code`` ("MIIT" or a province code). A provincial actor may
    decide only for its own authority (§2.1 [F S1]: the authority that made the finding)."""
    code = str(code or "").strip().upper()
    auth = Authority.objects.filter(code=code).first() if code else None
    if auth is None:
        raise ApplicationError(
            _("Unknown deciding authority."),
            errors={"authority": [_('Give an authority code: "MIIT" or a two-digit province code.')]},
        )
    provincial = not is_system(actor) and scoping.is_staff(actor) and not scoping.is_national(actor)
    if provincial and scoping.authority_code(actor) != auth.code:
        raise ApplicationError(
            _("You may decide only for your own authority."),
            errors={"authority": [_("Not your authority.")]},
        )
    return auth
