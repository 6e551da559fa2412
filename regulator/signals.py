"""Signal receivers of the kernel (connected in RegulatorConfig.ready)."""

def user_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    """Revoke a user's API tokens when its password changed or it was deactivated.

    ``AbstractBaseUser.set_password`` keeps the new raw password in ``_password`` until the
    save completes, so a save carrying a password change is recognisable here, whoever made
    it (the admin's password form, ``changepassword``, a shell)."""
    from regulator import tokens

    if created:
        return
    if getattr(instance, "_password", None) is not None:
        # Audited when it revokes something (tokens.revoke_all).
        tokens.revoke_all(user=instance, reason="password_changed")
    elif not instance.is_active and (update_fields is None or "is_active" in update_fields):
        tokens.revoke_all(user=instance, reason="deactivated")
