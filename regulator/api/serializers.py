from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from regulator import provinces
from regulator.models import ApiToken, AuditEvent, Enterprise, User


class EnterpriseInput(serializers.Serializer):
    uscc = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    legal_representative = serializers.CharField(max_length=100)
    registered_address = serializers.CharField(max_length=300)
    province = serializers.ChoiceField(choices=provinces.CHOICES, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class EnterpriseUpdateInput(serializers.Serializer):
    """What staff may correct in the register here: the contacts. Registered facts (name,
    address, legal representative) change through the enterprise's change filing, which
    re-signs its licences (§1.5, §1.7); the code and, with it, the province never change.
    The service says so for each refused field."""

    name = serializers.CharField(max_length=200, required=False)
    legal_representative = serializers.CharField(max_length=100, required=False)
    registered_address = serializers.CharField(max_length=300, required=False)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({f: [_("This field cannot change.")] for f in sorted(unknown)})
        if not attrs:
            raise serializers.ValidationError(_("Nothing to change."))
        return attrs


class EnterpriseOutput(serializers.ModelSerializer):
    province_name = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "legal_representative",
            "registered_address",
            "province",
            "province_name",
            "contact_phone",
            "contact_email",
            "created_at",
            "updated_at",
        ]

    def get_province_name(self, obj: Enterprise) -> str:
        p = provinces.BY_CODE.get(obj.province)
        return p.name_zh if p else ""


class AuditEventOutput(serializers.ModelSerializer):
    """``masked_keys`` in the context: personal fields shown as "***" (regulator.audit.mask)."""

    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True, allow_null=True)

    def to_representation(self, instance):
        from regulator import audit

        data = super().to_representation(instance)
        keys = self.context.get("masked_keys")
        if keys:
            data["before"] = audit.mask(data["before"], keys)
            data["after"] = audit.mask(data["after"], keys)
        return data

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
            "reason",
            "request_id",
            "enterprise",
            "province",
            "seq",
            "prev_hash",
            "hash",
        ]


class AuditChainQuery(serializers.Serializer):
    seq = serializers.IntegerField(min_value=1, required=False)


class AuditChainLinkOutput(serializers.Serializer):
    seq = serializers.IntegerField()
    hash = serializers.CharField()
    prev_hash = serializers.CharField()
    occurred_at = serializers.DateTimeField()


class MeOutput(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    authority = serializers.CharField(source="authority_id", read_only=True, allow_null=True)
    province = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["username", "role", "enterprise", "authority", "province", "badge"]


class TokenInput(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ApiTokenOutput(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "created_at", "expires_at", "last_used_at"]
