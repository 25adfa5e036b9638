"""The `luoshi` command: Luoshi's own subcommands, and Django's management commands
passed through (`luoshi check --deploy`, `luoshi shell -c ...`)."""

from __future__ import annotations

import os
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("Set up a demo province from the canonical readout and serve it.", "luoshi demo  |  luoshi demo --load-only"),
    "serve": ("Serve the web app on one machine (luoshi.wsgi is the WSGI entry point).", "luoshi serve 127.0.0.1:8000"),
    "migrate": ("Create or update the database tables.", "luoshi migrate"),
    "createuser": ("Create a user with a role (and a unit for liaisons).", "luoshi createuser wang --role liaison --unit EMERG"),
    "audit": ("Check the audit trail: `verify` walks the hash chain.", "luoshi audit verify"),
    "backup": ("Write a consistent backup: database, audit chain, uploaded files, manifest.", "luoshi backup /srv/backups/luoshi-2026-06-30"),
    "restore": ("Restore a backup into an empty database, then verify the audit chain.", "luoshi restore /srv/backups/luoshi-2026-06-30"),
    "extract": ("Read a meeting readout and print its directives, agenda and chair.", "luoshi extract readout.txt --json"),
    "lights": ("Recompute every open task's status light (run daily).", "luoshi lights"),
    "reindex": ("Rebuild the full-text search index from the data (safe to repeat).", "luoshi reindex"),
    "generate": ("Generate a province-year of test data for benchmarks (never in production).", "luoshi generate --tasks 100000"),
    "worker": ("Run background work: the queue, the daily supervision pass, reminders and messages.", "luoshi worker  |  luoshi worker --pass-now"),
}


def usage() -> str:
    lines = ["usage: luoshi COMMAND [options]", "", "Follow a government's decisions from the meeting room to results.", "", "commands:"]
    for name, (purpose, example) in COMMANDS.items():
        lines.append(f"  {name:<11} {purpose}")
        lines.append(f"  {'':<11} e.g. {example}")
    lines += ["", "Any other Django management command passes through, e.g. `luoshi check --deploy`.",
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
    from django.core.management import execute_from_command_line

    execute_from_command_line(["luoshi", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
