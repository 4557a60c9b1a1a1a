"""Publishers see the alert subscribers (to mark bounces and delete on request) and the alerts
sent; editors do not see the mailing list."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "view_subscriber",
    "change_subscriber",
    "delete_subscriber",
    "view_alert",
    "view_delivery",
]


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="media_centre", codename__in=CODENAMES)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("media_centre")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for group in apps.get_model("auth", "Group").objects.filter(name="Publisher"):
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Publisher"):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("media_centre", "0014_alerts")]

    operations = [migrations.RunPython(grant, revoke)]
