"""Editors and publishers read visitors' accessible-version requests and mark them answered."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="media_centre",
        codename__in=[
            "view_accessibilityrequest",
            "change_accessibilityrequest",
            "view_documentversion",
        ],
    )
    for group in Group.objects.filter(name__in=["Editor", "Publisher"]):
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="media_centre",
        codename__in=[
            "view_accessibilityrequest",
            "change_accessibilityrequest",
            "view_documentversion",
        ],
    )
    for group in Group.objects.filter(name__in=["Editor", "Publisher"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("media_centre", "0004_documents_versions_images")]

    operations = [migrations.RunPython(grant, revoke)]
