"""The second factor's pages, under /admin/second-factor/ (newsroom/urls.py includes them)."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "second_factor"

urlpatterns = [
    path("", admin.site.admin_view(views.manage), name="manage"),
    path("verify/", admin.site.admin_view(views.verify), name="verify"),
    path("set-up/", admin.site.admin_view(views.set_up), name="set-up"),
    path("recovery-codes/", admin.site.admin_view(views.recovery_codes), name="recovery-codes"),
    path(
        "recovery-codes.txt",
        admin.site.admin_view(views.recovery_codes_file),
        name="recovery-codes-file",
    ),
]
