"""Role-based DRF permissions (DESIGN.md, Users and roles).

``roles("officer", "supervisor")`` lets those roles use every method of a view; the
auditor may read everything and change nothing, so it gets safe methods on every view
that uses ``roles`` unless ``auditor=False``. Object visibility is the selectors' job:
they scope querysets to the actor and raise NotFound for both missing and forbidden.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from regulator.models import Role


def roles(*allowed: str, read: tuple[str, ...] = (), auditor: bool = True) -> type[BasePermission]:
    unknown = set(allowed) | set(read)
    unknown -= {r.value for r in Role}
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")
    read_roles = set(read) | ({Role.AUDITOR.value} if auditor else set())

    class HasRole(BasePermission):
        message = "Your role may not do this."

        def has_permission(self, request, view) -> bool:
            user = request.user
            if not (user and user.is_authenticated):
                return False
            role = getattr(user, "role", "")
            if role in allowed:
                return True
            return request.method in SAFE_METHODS and role in read_roles

    HasRole.__name__ = f"HasRole_{'_'.join(allowed) or 'none'}"
    return HasRole
