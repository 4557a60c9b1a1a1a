"""Publishers read and export the signed record of what was published."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_manifest", "export_manifest"]


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="manifests", codename__in=CODENAMES)


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    for group in apps.get_model("auth", "Group").objects.filter(name="Publisher"):
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Publisher"):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("media_centre", "0020_archive_indexes"),
        ("manifests", "0001_signed_record"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
