"""Server-rendered public pages. Apps add their own under /public/ through PUBLIC_PAGES."""

from django.shortcuts import render
from django.urls import include, path


def home(request):
    return render(request, "regulator/home.html")


urlpatterns = [
    path("", home, name="home"),
    path("public/", include("credit.pages")),
    path("public/", include("licensing.pages")),
]
