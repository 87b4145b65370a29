from django.urls import path

from tongban.identity.views import accounts

app_name = "identity"
urlpatterns = [
    path("", accounts.account, name="account"),
    path("register/", accounts.register, name="register"),
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("realname/", accounts.realname, name="realname"),
    path("password/", accounts.password_change, name="password_change"),
    path("apps/<int:app_id>/revoke/", accounts.app_revoke, name="app_revoke"),
    path("in-person/", accounts.inperson_verify, name="inperson_verify"),
]
