from django.contrib.auth.backends import ModelBackend


class IdentityBackend(ModelBackend):
    """Placeholder: login by ID number or mobile is implemented in identity.services."""
