"""`flask portal api-token …`: creditors' API tokens (create, list, revoke)."""

import click


@click.group("api-token")
def api_token() -> None:
    """Creditors' API tokens."""


@api_token.command("create")
@click.option("--creditor", "creditor_id", type=int, required=True, help="The creditor's id.")
@click.option("--name", default="API", help="What the token is for (shown in lists).")
def create(creditor_id: int, name: str) -> None:
    """Create a token and print its secret, once: only its hash is kept."""
    from portal.services.api_access import tokens

    try:
        token, secret = tokens.create_token(creditor_id, name)
    except tokens.UnknownCreditor as exc:
        raise click.ClickException(f"No creditor has the id {creditor_id}.") from exc
    click.echo(
        f"Token {token.id} for creditor {creditor_id} ({token.name}). Its secret, shown only now:"
    )
    click.echo(secret)


@api_token.command("list")
@click.option("--creditor", "creditor_id", type=int, required=True, help="The creditor's id.")
def list_(creditor_id: int) -> None:
    """List the creditor's tokens: id, start of the secret, name, last use, revoked."""
    from portal.services.api_access import tokens

    for t in tokens.list_tokens(creditor_id):
        used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never used"
        revoked = f" revoked {t.revoked_at.isoformat(timespec='seconds')}" if t.revoked_at else ""
        click.echo(f"{t.id}\t{t.prefix}…\t{t.name}\t{used}{revoked}")


@api_token.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke a token: it stops working at once."""
    from portal.services.api_access import tokens

    token = tokens.revoke_token(token_id)
    if token is None:
        raise click.ClickException(f"No token has the id {token_id}.")
    click.echo(f"Token {token.id} revoked.")
