from tongban.identity.models.users import User

__all__ = ["User"]
