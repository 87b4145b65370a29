from django.contrib.auth.backends import ModelBackend

from tongban.identity.models import User


class IdentityBackend(ModelBackend):
    """Password authentication by login name, ID number or a citizen's mobile number.

    Pages and the API use ``identity.services.auth.check_password`` (lockout, history,
    SMS step); this backend serves ``django.contrib.auth.authenticate`` (admin, test client).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        from tongban.identity.services.auth import find_account

        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = find_account(username)
        if user is None:
            User().set_password(password)  # same hashing cost as a real account
            return None
        if user.is_locked():
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
