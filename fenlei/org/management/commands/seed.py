"""`fenlei seed`: write a fictional demo district (or city) with a demo user per role."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fenlei.core.audit import using_face
from fenlei.core.models import Face
from fenlei.org import seeding
from fenlei.org.models import Area

PUBLIC_SCALES = ("district", "city")


class Command(BaseCommand):
    help = _(
        "Create a fictional, deterministic demo world — a district of about 12 streets, 150 "
        "communities and 960 sites, or a city of 16 districts and 20,000 sites — with a demo user "
        "for each role, every row audited. Nothing is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=tuple(seeding.SCALES),
            default="district",
            metavar="{" + ",".join(PUBLIC_SCALES) + "}",
            help=_("How big a world to create (default: district)."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=seeding.DEFAULT_SEED,
            help=_("Random seed: the same seed gives the same world (default: {seed}).").format(
                seed=seeding.DEFAULT_SEED
            ),
        )
        parser.add_argument(
            "--if-empty", action="store_true", help=_("Do nothing (and succeed) if any area exists already.")
        )
        parser.add_argument(
            "--force", action="store_true", help=_("Add the world beside existing areas instead of refusing.")
        )
        parser.add_argument("--no-progress", action="store_true", help=_("Do not show a progress bar."))

    def handle(self, *args, scale, seed, if_empty, force, no_progress, **options):
        if Area.objects.exists():
            if if_empty:
                self.stdout.write(_("Areas exist already: nothing seeded."))
                return
            if not force:
                raise CommandError(
                    _(
                        "Areas exist already. Seeding adds a second world beside them; use --force to do so, "
                        "or --if-empty to skip quietly."
                    )
                )

        def write(text: str) -> None:
            self.stderr.write(text, style_func=str, ending="")
            self.stderr.flush()

        tty = self.stderr.isatty()
        try:
            with using_face(Face.CLI):
                report = seeding.seed_world(
                    scale=scale, seed=seed, write=None if no_progress else write, tty=tty
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        c = report.counts
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Seeded “{root}” (seed {seed}) in {seconds:.1f} s: {areas} areas ({streets} streets, "
                    "{communities} communities), {sites} sites, {authorities} industry authorities, {hauliers} "
                    "hauliers, {households} households, population {population}; {audit} audit entries."
                ).format(
                    root=report.root.name, seed=seed, seconds=report.seconds, audit=report.audit_entries, **c
                )
            )
        )
        if report.users_kept:
            self.stdout.write(
                _("These demo users existed already and were left as they were: {names}.").format(
                    names=", ".join(report.users_kept)
                )
            )
        self.stdout.write("")
        self.stdout.write(seeding.format_table(seeding.demo_logins()))
