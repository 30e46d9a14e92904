"""`flask translate …`: extract, update, compile and start the translation catalogs."""

import subprocess
import sys

import click
from flask.cli import AppGroup

from portal.config import ROOT

translate_cli = AppGroup("translate", help="Translation catalogs (French and English).")


# Keywords extracted on top of Babel's defaults (`_`, `gettext`, `ngettext`, `pgettext`…):
# the lazy variants Flask-Babel offers, under their usual aliases, and `N_` (portal.i18n: marked
# for the catalogs, translated later, e.g. the API docs' prose). tests/unit/test_i18n.py
# extracts with the same list, so a keyword added here is checked there too.
EXTRACT_KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2", "N_")
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
