"""`flask portal …` and `flask translate …` commands."""

import json
import subprocess
import sys
from dataclasses import asdict

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.config import ROOT

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


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.call(command, cwd=ROOT):
        raise click.ClickException("pybabel failed: " + " ".join(args))


@translate_cli.command("extract")
def extract() -> None:
    """Extract the messages to translations/messages.pot."""
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        "translations/messages.pot",
        ".",
    )


@translate_cli.command("update")
def update() -> None:
    """Extract, then merge new messages into every language's catalog."""
    extract.callback()
    _pybabel(
        "update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching"
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


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(portal_cli)
    app.cli.add_command(translate_cli)
