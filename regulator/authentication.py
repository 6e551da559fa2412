"""DRF authentication by ``Authorization: Token <t>`` against regulator.tokens."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        # Imported here: DRF loads this class while rest_framework.views is still importing.
        from regulator import tokens

        user = tokens.authenticate(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return (user, key)
