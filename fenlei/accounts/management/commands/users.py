"""fenlei users add|assign|unassign|password|list — accounts from the command line (audited as cli).

The first district administrator of a new installation is made here:
    fenlei users add wang --name 王主任 --role district_admin --target area:东湖区
"""

import getpass
import secrets

from django.core.management.base import CommandError

from fenlei.accounts import services
from fenlei.accounts.models import RoleAssignment, User
from fenlei.core.cli import ChangeCommand
from fenlei.core.roles import Role
from fenlei.org.models import Authority, Hauler, Site


def find_target(ref: str):
    """area:<id|path|区/街道>, site:<id|name>, authority:<id|name>, hauler:<id|name>."""
    from fenlei.org.management.commands.areas import find_area

    kind, _, value = ref.partition(":")
    if not value:
        raise CommandError(
            "a target looks like area:东湖区/甲街道, site:12, authority:区教育局 or hauler:绿洁环卫"
        )
    if kind == "area":
        return find_area(value)
    model = {"site": Site, "authority": Authority, "hauler": Hauler}.get(kind)
    if model is None:
        raise CommandError(f"unknown target kind {kind!r}")
    found = model.objects.filter(pk=int(value)) if value.isdigit() else model.objects.filter(name=value)
    if found.count() != 1:
        raise CommandError(f"{kind} {value!r}: {found.count()} matches (use the id)")
    return found.get()


def find_user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"no user {username!r}") from None


class Command(ChangeCommand):
    help = "Add users, set passwords, assign and remove roles; list users."

    def add_subcommands(self, sub):
        p = sub.add_parser("add", help="add a user (prints a generated password unless --password-prompt)")
        p.add_argument("username")
        p.add_argument("--name", default="")
        p.add_argument("--email", default="")
        p.add_argument("--password-prompt", action="store_true")
        p.add_argument("--role", choices=Role.values)
        p.add_argument("--target", help="with --role: area:…, site:…, authority:… or hauler:…")
        p = sub.add_parser("assign", help="give a user a role over a target")
        p.add_argument("username")
        p.add_argument("role", choices=Role.values)
        p.add_argument("target")
        p = sub.add_parser("unassign", help="end a role assignment")
        p.add_argument("assignment_id", type=int)
        p = sub.add_parser("password", help="set a user's password (prompted)")
        p.add_argument("username")
        sub.add_parser("list", help="list users and their roles")

    def _password(self, prompt: bool) -> str:
        if not prompt:
            return secrets.token_urlsafe(12)
        first = getpass.getpass("password: ")
        if first != getpass.getpass("again: "):
            raise CommandError("the passwords differ")
        return first

    def do_add(self, *, by, username, name, email, password_prompt, role, target, **_):
        if bool(role) != bool(target):
            raise CommandError("--role and --target go together")
        password = self._password(password_prompt)
        user = services.user_create(
            by=by, username=username, password=password, display_name=name, email=email
        )
        if role:
            services.assign(user=user, role=role, target=find_target(target), by=by)
        self.stdout.write(f"added {username}" + ("" if password_prompt else f" with password {password}"))

    def do_assign(self, *, by, username, role, target, **_):
        a = services.assign(user=find_user(username), role=role, target=find_target(target), by=by)
        self.stdout.write(f"assignment {a.pk}: {a}")

    def do_unassign(self, *, by, assignment_id, **_):
        try:
            a = RoleAssignment.objects.get(pk=assignment_id, active=True)
        except RoleAssignment.DoesNotExist:
            raise CommandError(f"no active assignment {assignment_id}") from None
        services.unassign(assignment=a, by=by)
        self.stdout.write("removed")

    def do_password(self, *, by, username, **_):
        services.user_set_password(user=find_user(username), by=by, password=self._password(True))
        self.stdout.write("password set")

    def do_list(self, *, by, **_):
        for user in User.objects.prefetch_related("role_assignments").order_by("username"):
            roles = ", ".join(f"#{a.pk} {a.role} {a.target}" for a in user.role_assignments.all() if a.active)
            self.stdout.write(f"{user.username:<20} {user.display_name:<10} {roles}")
