"""`flask portal import-cases`: place a creditor's cases from a CSV file."""

import os

import click
from flask import current_app
from flask_babel import force_locale


@click.command("import-cases")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--creditor", "creditor_id", type=int, required=True, help="The creditor's id.")
def import_cases(path: str, creditor_id: int) -> None:
    """Place the cases of a CSV file: all rows are loaded, or none and every fault is listed."""
    from portal.services.placement import imports

    size = os.path.getsize(path)
    files = []

    def open_file():
        handle = open(path, "rb")  # noqa: SIM115 (closed below, read in three passes)
        files.append(handle)
        return handle

    labels = {"scan": "Reading ", "check": "Checking", "load": "Loading "}
    bars: dict = {}

    def progress(phase: str, n: int) -> None:
        if phase not in bars:
            for bar in bars.values():
                bar.render_finish()
            bars[phase] = click.progressbar(length=size, label=labels[phase], file=None)
        bars[phase].update(n)

    try:
        outcome = imports.import_csv(
            open_file,
            creditor_id,
            source="cli",
            filename=os.path.basename(path),
            progress=progress,
        )
    except imports.UnknownCreditor as exc:
        raise click.ClickException(f"No creditor has the id {creditor_id}.") from exc
    finally:
        for bar in bars.values():
            bar.render_finish()
        for handle in files:
            handle.close()
    if outcome.status == "already":
        click.echo(f"This file was already loaded (import {outcome.import_id}): nothing created.")
        return
    if outcome.loaded:
        click.echo(
            f"Loaded {outcome.rows} rows: {outcome.cases} cases placed "
            f"(import {outcome.import_id})."
        )
        return
    with current_app.test_request_context(), force_locale("en"):
        _print_errors(outcome)
    raise click.ClickException(
        f"Nothing loaded: {outcome.error_count} error(s) in {outcome.rows} rows "
        f"(import {outcome.import_id})."
    )


def _print_errors(outcome) -> None:
    from portal.services.placement.messages import message

    for error in outcome.errors:
        where = f"line {error.line}" if error.line else "file"
        column = f", column {error.column}" if error.column else ""
        value = f" ({error.value!r})" if error.value else ""
        click.echo(f"{where}{column}{value}: {message(error.code, error.params)}", err=True)
    if outcome.error_count > len(outcome.errors):
        click.echo(f"... and {outcome.error_count - len(outcome.errors)} more.", err=True)
