from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from journal.views import account

urlpatterns = [
    path("login/", account.sign_in, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Staff sign in through the app's own page too: the lockout and two-factor sign-in apply.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("", include("journal.urls")),
]
