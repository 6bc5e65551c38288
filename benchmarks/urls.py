"""The app's URLs and the benchmark's trivial view: a page through every middleware with the
reader's session, and nothing else, so that a page's requests per second can be given as a share
of what the app's request handling alone allows. It exists only in the benchmark's settings."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from ldnjournal.urls import urlpatterns as app_urlpatterns

TRIVIAL_PATH = "/bench/trivial/"


@login_required
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(TRIVIAL_PATH.strip("/") + "/", trivial), *app_urlpatterns]
