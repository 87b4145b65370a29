"""``tongban oidc``: register and list OIDC clients from the server's shell.

    tongban oidc create-client --name "广州市市场监管业务系统" \\
        --redirect-uri https://scjg.gz.example.cn/oidc/callback \\
        --scopes "openid profile phone realname" [--public] [--require-otp]
    tongban oidc create-client --name "省人口库同步" --grant client-credentials \\
        --scopes registries:read
    tongban oidc list-clients

``create-client`` prints the client id and (for confidential clients) the secret, which is
shown once. Registration is audited (``identity.oidc_client_registered``); ``--as`` names
the operator account to record as the actor (default: the platform itself).
"""

from django.core.management.base import BaseCommand, CommandError
from oauth2_provider.models import get_application_model

from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit
from tongban.identity.models import ClientPolicy, User
from tongban.identity.oidc import services

GRANTS = {
    "authorization-code": ClientPolicy.Kind.PERSON_SSO,
    "client-credentials": ClientPolicy.Kind.MACHINE,
}


def _split(values) -> list[str]:
    out: list[str] = []
    for value in values or []:
        out.extend(part for part in value.replace(",", " ").split() if part)
    return out


class Command(BaseCommand):
    help = "Register and list OIDC clients (department systems, machine clients)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create-client", help="Register a client; prints id and secret.")
        create.add_argument("--name", required=True)
        create.add_argument("--redirect-uri", action="append", default=[], dest="redirect_uris")
        create.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            default=[],
            dest="post_logout_redirect_uris",
        )
        create.add_argument(
            "--scopes",
            action="append",
            default=[],
            help='space- or comma-separated, e.g. "openid profile"',
        )
        kind = create.add_mutually_exclusive_group()
        kind.add_argument("--confidential", dest="confidential", action="store_true", default=True)
        kind.add_argument("--public", dest="confidential", action="store_false")
        create.add_argument("--grant", choices=sorted(GRANTS), default="authorization-code")
        create.add_argument("--require-otp", action="store_true")
        create.add_argument("--org-unit", help="org unit code (e.g. 440100)")
        create.add_argument("--sector", default="", help="pairwise sector identifier")
        create.add_argument("--as", dest="operator", help="operator login name recorded as actor")
        sub.add_parser("list-clients", help="List registered clients.")

    def handle(self, *args, **options):
        if options["action"] == "create-client":
            return self._create(options)
        return self._list()

    def _create(self, options):
        actor = None
        if options.get("operator"):
            actor = User.objects.filter(username=options["operator"]).first()
            if actor is None:
                raise CommandError(f"no such account: {options['operator']}")
        org_unit = None
        if options.get("org_unit"):
            org_unit = OrgUnit.objects.filter(code=options["org_unit"]).first()
            if org_unit is None:
                raise CommandError(f"no such org unit: {options['org_unit']}")
        kind = GRANTS[options["grant"]]
        scopes = _split(options["scopes"]) or (
            ["openid"] if kind == ClientPolicy.Kind.PERSON_SSO else []
        )
        try:
            application, secret = services.register_client(
                actor=actor,
                name=options["name"],
                kind=kind,
                redirect_uris=options["redirect_uris"],
                post_logout_redirect_uris=options["post_logout_redirect_uris"],
                scopes=scopes,
                confidential=options["confidential"],
                org_unit=org_unit,
                require_otp=options["require_otp"],
                sector_identifier=options["sector"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(f"client_id: {application.client_id}")
        if secret:
            self.stdout.write(f"client_secret: {secret}")
            self.stderr.write("The secret is shown once; only its hash is stored.")
        else:
            self.stdout.write("client_secret: (public client: none, PKCE required)")

    def _list(self):
        clients = (
            get_application_model()
            .objects.filter(policy__isnull=False)
            .select_related("policy")
            .order_by("created")
        )
        for app in clients:
            policy = app.policy
            self.stdout.write(
                "\t".join(
                    [
                        app.client_id,
                        app.name,
                        policy.kind,
                        app.client_type,
                        policy.status,
                        " ".join(policy.allowed_scopes),
                        " ".join(app.redirect_uris.split()),
                    ]
                )
            )
