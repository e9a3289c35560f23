from rest_framework import serializers

from accounts.models import ApiToken, User


class UserOut(serializers.ModelSerializer[User]):
    email_verified = serializers.BooleanField(read_only=True)
    date_joined = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = User
        fields = ("id", "email", "display_name", "email_verified", "date_joined")
        read_only_fields = fields


class SessionOut(serializers.Serializer[None]):
    user = UserOut(allow_null=True)


class SignUpIn(serializers.Serializer[None]):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    display_name = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    next_path = serializers.CharField(
        max_length=500,
        allow_blank=True,
        required=False,
        default="",
        help_text="A page of the app to go on to after verifying, e.g. the invitation signed up from.",
    )


class LoginIn(serializers.Serializer[None]):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class EmailIn(serializers.Serializer[None]):
    email = serializers.EmailField(max_length=254)


class TokenIn(serializers.Serializer[None]):
    token = serializers.CharField(max_length=1024)


class PasswordResetConfirmIn(serializers.Serializer[None]):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)


class PasswordChangeIn(serializers.Serializer[None]):
    current_password = serializers.CharField(max_length=256, trim_whitespace=False)
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)


class DetailOut(serializers.Serializer[None]):
    detail = serializers.CharField()


class ApiTokenIn(serializers.Serializer[None]):
    name = serializers.CharField(max_length=100)


class ApiTokenOut(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields: tuple[str, ...] = ("id", "name", "prefix", "created_at", "last_used_at")
        read_only_fields = fields


class ApiTokenCreatedOut(ApiTokenOut):
    """Schema of the one response that shows the secret."""

    token = serializers.CharField(help_text="The secret. Shown only in this response.")

    class Meta(ApiTokenOut.Meta):
        fields = (*ApiTokenOut.Meta.fields, "token")


class ApiTokenListOut(serializers.Serializer[None]):
    results = ApiTokenOut(many=True)
