"""The `luoshi` command: Luoshi's own subcommands, and the Django management commands that
leave the audit trail alone passed through (`luoshi check --deploy`, `luoshi dumpdata`).

The audit trail must not be deletable or editable through any `luoshi` command (issue 7,
docs/security.md): commands that delete rows, load rows over existing ones, or open a raw SQL
or Python prompt are refused with the reason, and a command nobody has judged yet is refused
too, so a new one (from Django or a dependency) cannot slip through.
luoshi/tests/test_cli_commands.py walks every installed command against these lists."""

from __future__ import annotations

import os
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("Set up a demo province from the canonical readout and serve it.", "luoshi demo  |  luoshi demo --load-only"),
    "serve": ("Serve the web app on one machine (luoshi.wsgi is the WSGI entry point).", "luoshi serve 127.0.0.1:8000"),
    "migrate": ("Create or update the database tables.", "luoshi migrate"),
    "createuser": ("Create a user with a role (and a unit for liaisons).", "luoshi createuser wang --role liaison --unit EMERG"),
    "audit": ("The keyed audit chain: `verify` walks it, `anchor` prints its signed head, `seal` chains new events.",
              "luoshi audit verify  |  luoshi audit anchor --out /mnt/offsite/anchor.json"),
    "backup": ("Write a consistent backup: database, audit chain, uploaded files, manifest.", "luoshi backup /srv/backups/luoshi-2026-06-30"),
    "restore": ("Restore a backup into an empty database, then verify the audit chain.", "luoshi restore /srv/backups/luoshi-2026-06-30"),
    "extract": ("Read a meeting readout and print its directives, agenda and chair.", "luoshi extract readout.txt --json"),
    "lights": ("Recompute every open task's status light (run daily).", "luoshi lights"),
    "reindex": ("Rebuild the full-text search index from the data (safe to repeat).", "luoshi reindex"),
    "generate": ("Generate a province-year of test data for benchmarks (never in production).", "luoshi generate --tasks 100000"),
    "worker": ("Run background work: the queue, the daily supervision pass, reminders and messages.", "luoshi worker  |  luoshi worker --pass-now"),
}


# Django's commands that pass through: none of them deletes or edits stored rows.
PASS_THROUGH: dict[str, str] = {
    "check": "checks the configuration",
    "clearsessions": "deletes expired sessions only",
    "collectstatic": "copies static files",
    "compilemessages": "compiles translations",
    "createcachetable": "creates the cache table",
    "diffsettings": "prints settings",
    "dumpdata": "reads and prints rows",
    "export_openapi_schema": "prints the API schema",
    "findstatic": "finds a static file",
    "inspectdb": "prints models for the tables",
    "makemessages": "collects translatable strings into the source tree",
    "makemigrations": "writes migration files into the source tree",
    "optimizemigration": "rewrites a migration file",
    "remove_stale_contenttypes": "deletes content types of removed models (no audit row refers to one)",
    "runserver": "serves the app (`luoshi serve`)",
    "sendtestemail": "sends an e-mail",
    "showmigrations": "lists migrations",
    "sqlmigrate": "prints a migration's SQL (not --backwards)",
    "sqlsequencereset": "prints SQL that resets sequences",
    "squashmigrations": "writes migration files into the source tree",
    "startapp": "creates files",
    "startproject": "creates files",
    "test": "runs tests in a database of their own",
    "testserver": "serves a throw-away test database",
}
# Refused, with the reason printed: each could delete or rewrite the audit trail.
REFUSED: dict[str, str] = {
    "flush": "it deletes every row of every table, the audit trail included",
    "sqlflush": "it prints the SQL that deletes every row of every table, the audit trail included",
    "dbshell": "it opens a raw SQL prompt, where audit events can be deleted or edited",
    "shell": "it runs any Python against the database, where audit events can be deleted or edited",
    "loaddata": "it writes rows from a file over the stored ones, audit events included",
}
# Refused because they change accounts outside the audited services (issue 16, item 3).
ACCOUNT_COMMANDS: dict[str, str] = {
    "createsuperuser": ("it creates an unaudited account that reads everything through the admin; create "
                        "accounts with `luoshi createuser NAME --role ROLE` (audited)"),
    "changepassword": ("it sets a password without an audit event and without the password policy; the "
                       "security administrator resets passwords on the Users page (audited)"),
}
# Options that would make Django import code from anywhere (issue 16, item 14): the settings
# module comes from the environment of whoever runs the service, never from the command line.
REFUSED_OPTIONS = ("--pythonpath", "--settings")


def refusal(args: list[str]) -> str | None:
    """Why `luoshi ARGS` is refused, or None if it may run."""
    name = args[0]
    for arg in args[1:]:
        if arg.split("=", 1)[0] in REFUSED_OPTIONS:
            return (f"`luoshi {name} {arg.split('=', 1)[0]}` is not available: it makes the command import code "
                    "from a path or settings module named on the command line. Set DJANGO_SETTINGS_MODULE "
                    "in the service's environment instead.")
    if name in ACCOUNT_COMMANDS:
        return f"`luoshi {name}` is not available: {ACCOUNT_COMMANDS[name]}."
    if name in REFUSED:
        return (f"`luoshi {name}` is not available: {REFUSED[name]}. The audit trail must never be deleted "
                "or edited (docs/security.md, \"The audit trail\"). For a new, empty database create one and run "
                "`luoshi migrate`; to move data, use `luoshi backup` and `luoshi restore`.")
    if name in COMMANDS or name in PASS_THROUGH:
        return _refused_arguments(args)
    import django
    from django.core.management import get_commands

    django.setup()
    if name not in get_commands():
        return None  # Django says "Unknown command" and suggests the nearest
    return (f"`luoshi {name}` is not available: Luoshi passes through only the Django commands known to "
            "leave the audit trail alone (PASS_THROUGH in luoshi/cli.py; see docs/security.md).")


def _refused_arguments(args: list[str]) -> str | None:
    """Options of an allowed command that would still drop tables."""
    if args[0] not in {"migrate", "sqlmigrate"} or any(arg in {"-h", "--help"} for arg in args):
        return None
    from django.core.management import load_command_class

    command = load_command_class("django.core", args[0])
    from django.core.management.base import CommandError

    try:
        # Intermixed: `migrate audit --fake zero` names a migration after an option.
        options = command.create_parser("luoshi", args[0]).parse_intermixed_args(args[1:])
    except (SystemExit, CommandError):
        return None  # a usage error: let Django explain it
    if args[0] == "migrate" and options.migration_name:
        return ("`luoshi migrate` only moves forward: migrating to a named migration (or `zero`) can unapply "
                "migrations and drop tables, the audit trail's among them. Run `luoshi migrate` without a "
                "migration name.")
    if args[0] == "sqlmigrate" and options.backwards:
        return "`luoshi sqlmigrate --backwards` prints SQL that drops tables, the audit trail's among them."
    return None


def usage() -> str:
    lines = ["usage: luoshi COMMAND [options]", "", "Follow a government's decisions from the meeting room to results.", "", "commands:"]
    for name, (purpose, example) in COMMANDS.items():
        lines.append(f"  {name:<11} {purpose}")
        lines.append(f"  {'':<11} e.g. {example}")
    lines += ["", "Django's management commands that leave the audit trail alone pass through, e.g.",
              "`luoshi check --deploy`; flush, sqlflush, dbshell, shell and loaddata are refused.",
              "`luoshi COMMAND --help` tells more about one command."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(sys.argv[1:] if argv is None else argv)
    except BrokenPipeError:
        # The reader went away (`luoshi extract f.txt | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(args: list[str]) -> int:
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    if args[0] == "extract":
        # The extraction engine is plain Python: no Django set-up needed.
        from luoshi.extraction.cli import main as extract_main

        return extract_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    reason = refusal(args)
    if reason:
        print(f"luoshi: {reason}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    execute_from_command_line(["luoshi", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
