"""`flask portal create-staff`: staff users from the command line."""

import click


@click.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["collector", "creditor", "admin"]), required=True)
@click.option("--creditor-id", type=int, default=None, help="Required for creditor users.")
@click.password_option(help="At least 12 characters (prompted if omitted).")
def create_staff(email: str, name: str, role: str, creditor_id: int | None, password: str) -> None:
    """Create a staff user."""
    from portal.models import Role
    from portal.services.access.staff import StaffError
    from portal.services.access.staff import create_staff as create

    try:
        user = create(email, name, password, Role(role), creditor_id)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")
