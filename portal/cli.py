"""`flask portal …` and `flask translate …` commands."""

import json
import subprocess
import sys
from dataclasses import asdict

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal import cli_plans, cli_reminders
from portal.config import ROOT
from portal.payments import cli as payments_cli

portal_cli = AppGroup("portal", help="Amiable operations: demo data, staff users.")
translate_cli = AppGroup("translate", help="Translation catalogs (French and English).")


@portal_cli.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print the logins as one JSON object.")
def demo(as_json: bool) -> None:
    """Load the demo data (if missing) and print the demo logins and links."""
    from portal.services.demo import load_demo

    debtors, staff = load_demo(current_app.config["SECRET_KEY"])
    if as_json:
        click.echo(
            json.dumps(
                {"debtors": [asdict(d) for d in debtors], "staff": [asdict(s) for s in staff]},
                ensure_ascii=False,
            )
        )
        return
    base = current_app.config["PORTAL_BASE_URL"]
    click.echo(f"\nAmiable demo — {base}\n\nStaff (log in at {base}/staff/login):")
    for s in staff:
        click.echo(f"  {s.role:<10} {s.email:<34} password: {s.password}")
    click.echo(
        f"\nDebtors (log in at {base}/ with the reference and the factor, or open the link):"
    )
    for d in debtors:
        label = "postcode" if d.factor_kind == "postcode" else "date of birth"
        click.echo(f"  {d.reference}  {label}: {d.factor:<11} {d.link}")
    click.echo("")


@portal_cli.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["collector", "creditor", "admin"]), required=True)
@click.option("--creditor-id", type=int, default=None, help="Required for creditor users.")
@click.password_option(help="At least 12 characters (prompted if omitted).")
def create_staff(email: str, name: str, role: str, creditor_id: int | None, password: str) -> None:
    """Create a staff user."""
    from portal.models import Role
    from portal.services.staff import StaffError
    from portal.services.staff import create_staff as create

    try:
        user = create(email, name, password, Role(role), creditor_id)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


# Keywords extracted on top of Babel's defaults (`_`, `gettext`, `ngettext`, `pgettext`…):
# the lazy variants Flask-Babel offers, under their usual aliases. tests/unit/test_i18n.py
# extracts with the same list, so a keyword added here is checked there too.
EXTRACT_KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2")
# The language of the msgids: its catalog's msgstr are the msgids themselves.
SOURCE_LANGUAGE = "en"
# `# TRANSLATORS: …` comments just above a string reach the catalogs.
COMMENT_TAG = "TRANSLATORS:"


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.call(command, cwd=ROOT):
        raise click.ClickException("pybabel failed: " + " ".join(args))


@translate_cli.command("extract")
def extract() -> None:
    """Extract the messages to translations/messages.pot."""
    keywords = [arg for keyword in EXTRACT_KEYWORDS for arg in ("-k", keyword)]
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        *keywords,
        "--add-comments",
        COMMENT_TAG,
        "--project",
        "Amiable",
        "--no-location",
        "--sort-output",
        "-o",
        "translations/messages.pot",
        ".",
    )


def _fill_source_catalog() -> int:
    """The English catalog translates every message to its msgid: fill the new ones."""
    from babel.messages.pofile import read_po, write_po

    path = ROOT / "translations" / SOURCE_LANGUAGE / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=SOURCE_LANGUAGE)
    filled = 0
    for message in catalog:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and not all(forms):
            message.string = message.id
            filled += 1
    if filled:
        with path.open("wb") as f:
            write_po(f, catalog, width=76)
    return filled


@translate_cli.command("update")
def update() -> None:
    """Extract, merge new messages into every catalog, fill the English one."""
    extract.callback()
    _pybabel(
        "update",
        "-i",
        "translations/messages.pot",
        "-d",
        "translations",
        "--no-fuzzy-matching",
        "--ignore-pot-creation-date",
    )
    filled = _fill_source_catalog()
    click.echo(
        f"{filled} new message(s) copied into the English catalog. Now translate every empty"
        " msgstr in translations/fr/LC_MESSAGES/messages.po, then run `make translations`"
        " and `pytest tests/unit/test_i18n.py`."
    )


@translate_cli.command("compile")
def compile_() -> None:
    """Compile the catalogs to .mo files."""
    _pybabel("compile", "-d", "translations", "--statistics")


@translate_cli.command("init")
@click.argument("language")
def init(language: str) -> None:
    """Start a catalog for a new language."""
    _pybabel("init", "-i", "translations/messages.pot", "-d", "translations", "-l", language)


portal_cli.add_command(cli_reminders.send_reminders)
portal_cli.add_command(payments_cli.charge_due)
portal_cli.add_command(payments_cli.reconcile)
portal_cli.add_command(payments_cli.stripe_double)
portal_cli.add_command(cli_reminders.reminder_sequence)
portal_cli.add_command(cli_plans.plans_tick)
portal_cli.add_command(cli_plans.policy)


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(portal_cli)
    app.cli.add_command(translate_cli)
