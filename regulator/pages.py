"""Server-rendered public pages of the kernel. Each app's own pages are routed under
/public/ by config.urls (the kernel imports no other app)."""

from django.shortcuts import render


def home(request):
    return render(request, "regulator/home.html")


# The home page is routed at "/" by config.urls; the kernel has no page under /public/ yet.
urlpatterns: list = []
