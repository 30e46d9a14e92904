"""`flask portal demo`: load the demo data where missing and print the logins."""

import json
from dataclasses import asdict

import click
from flask import current_app


@click.command("demo")
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
        key = f"  second factor key: {s.totp_secret}" if s.totp_secret else ""
        click.echo(f"  {s.role:<10} {s.email:<34} password: {s.password}{key}")
    click.echo(
        f"\nDebtors (log in at {base}/ with the reference and the factor, or open the link):"
    )
    for d in debtors:
        label = "postcode" if d.factor_kind == "postcode" else "date of birth"
        click.echo(f"  {d.reference}  {label}: {d.factor:<11} {d.link}")
    click.echo("")
