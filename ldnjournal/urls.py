from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from journal.forms.login import LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("journal.urls")),
]
