"""`fenlei demo_logins`: print the demo users, their roles, targets and the demo password."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fenlei.org import seeding


class Command(BaseCommand):
    help = _("Print the demo logins created by `seed`: role, username, password and where the role applies.")

    def handle(self, *args, **options):
        rows = seeding.demo_logins()
        if not rows:
            self.stdout.write(_("There are no demo users: run `fenlei seed` first."))
            return
        self.stdout.write(seeding.format_table(rows))
