"""Admin command line: ``python -m dashboard <command>``.

Every command ends with a one-line summary; bad input prints one clear line on stderr and exits
non-zero, having written nothing.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError
from sqlalchemy import Engine

from dashboard.domain import SYSTEM, Level, Role
from dashboard.errors import CommandError, ServiceError
from dashboard.services import accounts, areas, demo
from dashboard.settings import get_settings, settings_problem
from dashboard.storage.db import make_engine
from dashboard.storage.migrate import upgrade_head

# Environment variable that supplies a password without a prompt (for scripts).
PASSWORD_ENV = "DASHBOARD_NEW_PASSWORD"


def _engine() -> Engine:
    engine = make_engine(get_settings().resolved_database_url)
    upgrade_head(engine)
    return engine


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise CommandError(f"no password: use --password-stdin or set {PASSWORD_ENV}")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise CommandError("the two passwords differ")
    return first


def cmd_init_db(args: argparse.Namespace) -> str:
    _engine()
    return "database is at the newest schema"


def cmd_seed_demo(args: argparse.Namespace) -> str:
    engine = _engine()
    if not demo.is_empty(engine):
        raise CommandError(
            "the database is not empty; the demo city is seeded only into an empty database"
        )
    counts = demo.seed_demo(engine, disaster=True)
    return "seeded the demo city: " + ", ".join(f"{v} {k}" for k, v in counts.items())


def cmd_import_boundaries(args: argparse.Namespace) -> str:
    counts = areas.import_boundaries(_engine(), args.file, actor=SYSTEM)
    parts = ", ".join(f"{counts[level]} {level}" for level in Level if counts[level])
    return f"imported {sum(counts.values())} areas from {args.file}: {parts}"


def cmd_create_user(args: argparse.Namespace) -> str:
    engine = _engine()
    password = _password(args)
    accounts.create_user(
        engine,
        SYSTEM,
        username=args.username,
        display_name=args.display_name or args.username,
        role=args.role,
        jurisdiction_code=args.area,
        password=password,
        email=args.email,
    )
    return f"created user {args.username} ({args.role}, area {args.area})"


def cmd_set_password(args: argparse.Namespace) -> str:
    engine = _engine()
    accounts.set_password(engine, SYSTEM, username=args.username, password=_password(args))
    return f"set a new password for {args.username} and cleared any lock"


def cmd_link_lineworks(args: argparse.Namespace) -> str:
    accounts.update_user(
        _engine(), SYSTEM, username=args.username, lineworks_user_id=args.lineworks_user_id
    )
    if not args.lineworks_user_id:
        return f"unlinked {args.username} from LINE WORKS"
    return f"linked {args.username} to LINE WORKS user {args.lineworks_user_id}"


def cmd_import_shelters(args: argparse.Namespace) -> str:
    from dashboard.cli_data import import_shelters_command

    return import_shelters_command(_engine(), args)


def cmd_import_users(args: argparse.Namespace) -> str:
    from dashboard.cli_data import import_users_command

    return import_users_command(_engine(), args)


def cmd_export_shelters(args: argparse.Namespace) -> str:
    from dashboard.cli_data import export_shelters_command

    return export_shelters_command(_engine(), args)


def cmd_export_reports(args: argparse.Namespace) -> str:
    from dashboard.cli_data import export_reports_command

    return export_reports_command(_engine(), args)


def cmd_run_worker(args: argparse.Namespace) -> str:
    from dashboard import worker  # the worker's imports are not needed by other commands

    return worker.run_until_signalled(_engine())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Admin commands of the disaster status dashboard. The database is chosen by "
        "DASHBOARD_DATABASE_URL (default: an SQLite file in ./data).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], str], help_: str):
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    add("init-db", cmd_init_db, "create or upgrade the database schema (alembic upgrade head)")
    add("seed-demo", cmd_seed_demo, "seed the demo city into an empty database")
    add("run-worker", cmd_run_worker, "deliver queued directives (LINE WORKS, mail, webhooks)")
    p = add(
        "import-boundaries",
        cmd_import_boundaries,
        "import boundaries (GeoJSON, Shapefile, GeoPackage or a zip of those; national N03 "
        "columns recognised), replacing schematic ones",
    )
    p.add_argument("file")
    for name, func, help_ in (
        ("create-user", cmd_create_user, "create an account"),
        ("set-password", cmd_set_password, "set a user's password (ends the user's open logins)"),
    ):
        p = add(name, func, help_)
        p.add_argument("username")
        if name == "create-user":
            p.add_argument("--role", required=True, choices=[r.value for r in Role])
            p.add_argument("--area", required=True, help="JIS code of the user's home area")
            p.add_argument("--display-name")
            p.add_argument("--email")
        p.add_argument(
            "--password-stdin",
            action="store_true",
            help=f"read the password from stdin (or set {PASSWORD_ENV})",
        )
    p = add(
        "link-lineworks",
        cmd_link_lineworks,
        "link an account to its LINE WORKS user id (the bot acts as the account); '' unlinks",
    )
    p.add_argument("username")
    p.add_argument("lineworks_user_id")
    from dashboard.cli_data import add_data_commands

    add_data_commands(
        add,
        {
            "import-shelters": cmd_import_shelters,
            "import-users": cmd_import_users,
            "export-shelters": cmd_export_shelters,
            "export-reports": cmd_export_reports,
        },
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        summary = args.func(args)
    except (CommandError, ServiceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:  # the settings (e.g. no shared secret with a server)
        print(f"error: {settings_problem(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the admin sees one line, not a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(summary)
    return 0
