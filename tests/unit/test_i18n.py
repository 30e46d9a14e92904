"""The translation catalogs: complete, up to date with the sources, consistent, compilable.

When a test here fails after you added or changed a string:
    flask --app app translate update      # extract, then merge into every catalog
then fill each new empty msgstr in translations/fr/LC_MESSAGES/messages.po (in French) and
translations/en/LC_MESSAGES/messages.po (msgstr = msgid), and `make translations`.
"""

import gettext
import re
from collections import Counter
from io import BytesIO

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from portal.cli.translate import COMMENT_TAG, EXTRACT_KEYWORDS
from portal.config import ROOT

TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("fr", "en")

# A %-placeholder: `%(name)s`, `%(num)d`, `%s`, `%.2f`… (`%%` is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def po_path(lang: str):
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str) -> Catalog:
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def key(message) -> tuple[str, str | None]:
    """How a catalog indexes a message: its singular msgid and its context."""
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return msgid, message.context


def strings(value) -> tuple[str, ...]:
    """A msgid or msgstr as a tuple (one string, or one per plural form)."""
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def extract_sources(root=ROOT) -> dict[tuple[str, str | None], tuple[tuple[str, ...], str]]:
    """The messages under `root`, extracted as `flask translate extract` does, by key."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    # A template Jinja cannot parse must fail here, not silently lose its strings.
    options_map = {
        pattern: {**options_map.get(pattern, {}), "silent": "false"}
        if method == "jinja2"
        else options_map.get(pattern, {})
        for pattern, method in method_map
    }
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(list(EXTRACT_KEYWORDS))}
    found = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        root, method_map, options_map, keywords=keywords, comment_tags=(COMMENT_TAG,)
    ):
        ids = strings(message)
        found.setdefault((ids[0], context), (ids, filename))
    return found


# The checks, as functions returning the problems, so that they can be tested too.


def untranslated(catalog: Catalog) -> list[str]:
    """Messages that are fuzzy, empty, or lack a plural form."""
    problems = ["the catalog header is fuzzy (it would not compile)"] if catalog.fuzzy else []
    for message in catalog:
        if not message.id:
            continue
        msgid = key(message)[0]
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        forms = strings(message.string)
        if message.pluralizable and len(forms) != catalog.num_plurals:
            problems.append(f"{len(forms)} plural forms, {catalog.num_plurals} needed: {msgid!r}")
        if not all(form.strip() for form in forms):
            problems.append(f"empty: {msgid!r}")
    return problems


def missing_from(catalog: Catalog, extracted: dict) -> list[str]:
    """Messages of the sources that the catalog does not have (or has as non-plural)."""
    problems = []
    for (msgid, context), (ids, filename) in sorted(extracted.items()):
        message = catalog.get(msgid, context=context)
        if message is None:
            problems.append(f"{msgid!r} ({filename})")
        elif strings(message.id) != ids:
            problems.append(f"{msgid!r} ({filename}): plural form changed to {ids!r}")
    return problems


def placeholders(text: str) -> Counter:
    return Counter(m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%")


def placeholder_mismatches(catalog: Catalog) -> list[str]:
    """Messages whose msgstr does not use exactly the placeholders of the msgid."""
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = strings(message.id)
        for index, form in enumerate(strings(message.string)):
            # Plural forms other than the first follow msgid_plural.
            source = ids[min(index, len(ids) - 1)]
            if form and placeholders(form) != placeholders(source):
                problems.append(
                    f"{form!r} uses {sorted(placeholders(form))},"
                    f" {source!r} uses {sorted(placeholders(source))}"
                )
    return problems


def compile_catalog(catalog: Catalog) -> gettext.GNUTranslations:
    """Compile like `pybabel compile` and load the result as gettext would."""
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def compile_errors(catalog: Catalog) -> list[str]:
    """Babel's own checks (python-format, plural count) and a compile/reload round trip."""
    problems = [
        f"{key(message)[0]!r}: {error}"
        for message, errors in catalog.check()
        for error in errors
        if message.id
    ]
    compiled = compile_catalog(catalog)
    for message in catalog:
        ids, forms = strings(message.id), strings(message.string)
        if not message.id or message.fuzzy or not all(forms):
            continue  # untranslated(): gettext falls back to the msgid
        if message.pluralizable:
            got = tuple(compiled.ngettext(ids[0], ids[1], n) for n in (1, 2))
            want = (forms[compiled.plural(1)], forms[compiled.plural(2)])
        else:
            got, want = compiled.gettext(ids[0]), forms[0]
        if message.context is None and got != want:
            problems.append(f"{ids[0]!r} compiles to {got!r}, not {want!r}")
    return problems


def report(lang: str, what: str, problems: list[str]) -> str:
    return f"{po_path(lang).relative_to(ROOT)}: {len(problems)} {what}:\n  " + "\n  ".join(problems)


@pytest.fixture(scope="module")
def extracted():
    return extract_sources()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(lang):
    problems = untranslated(load(lang))
    assert not problems, report(lang, "untranslated or fuzzy messages", problems)


def test_extraction_finds_every_kind_of_call(tmp_path):
    """The extraction settings see every way the project marks a string for translation."""
    (tmp_path / "portal").mkdir()
    (tmp_path / "portal" / "views.py").write_text(
        "from flask_babel import gettext as _, lazy_gettext, lazy_gettext as _l, ngettext\n"
        "a = _('python gettext')\n"
        "b = _l('python _l')\n"
        "c = lazy_gettext('python lazy_gettext')\n"
        "d = ngettext('%(num)d python case', '%(num)d python cases', 2)\n"
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        "{{ _('jinja gettext') }} {{ ngettext('%(num)d jinja case', '%(num)d jinja cases', n) }}\n"
        "{% trans %}jinja trans block{% endtrans %}\n"
        "{% trans count=n %}{{ count }} block case{% pluralize %}{{ count }} block cases"
        "{% endtrans %}\n"
    )
    (tmp_path / "templates" / "mail.txt").write_text("{{ _('text template') }}\n")

    found = {msgid: ids for (msgid, _context), (ids, _file) in extract_sources(tmp_path).items()}

    assert found == {
        "python gettext": ("python gettext",),
        "python _l": ("python _l",),
        "python lazy_gettext": ("python lazy_gettext",),
        "%(num)d python case": ("%(num)d python case", "%(num)d python cases"),
        "jinja gettext": ("jinja gettext",),
        "%(num)d jinja case": ("%(num)d jinja case", "%(num)d jinja cases"),
        "jinja trans block": ("jinja trans block",),
        "%(count)s block case": ("%(count)s block case", "%(count)s block cases"),
        "text template": ("text template",),
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_up_to_date_with_the_sources(lang, extracted):
    problems = missing_from(load(lang), extracted)
    assert not problems, report(
        lang, "messages missing (run `flask --app app translate update`)", problems
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(lang):
    problems = placeholder_mismatches(load(lang))
    assert not problems, report(lang, "placeholder mismatches", problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_compiles(lang):
    problems = compile_errors(load(lang))
    assert not problems, report(lang, "compile errors", problems)


def test_english_catalog_is_the_source_text():
    different = [
        f"{key(m)[0]!r} -> {m.string!r}"
        for m in load("en")
        if m.id and strings(m.string) != strings(m.id)
    ]
    assert not different, report("en", "messages not equal to their msgid", different)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_is_current(lang):
    """A stale .mo would serve old texts: `make translations` rebuilds it."""
    mo = po_path(lang).with_suffix(".mo")
    if not mo.exists():
        pytest.skip(f"{mo.relative_to(ROOT)} is not built (make translations)")
    with mo.open("rb") as f:
        built = gettext.GNUTranslations(f)
    current = compile_catalog(load(lang))._catalog
    stale = sorted(
        (
            k
            for k in built._catalog.keys() | current.keys()
            if k and built._catalog.get(k) != current.get(k)
        ),
        key=str,
    )
    assert not stale, (
        f"{mo.relative_to(ROOT)} is older than its .po: run `make translations`"
        f" ({len(stale)} messages differ, e.g. {stale[:3]})"
    )


# The checks themselves must catch what they are for.


def test_the_checks_catch_broken_catalogs():
    catalog = Catalog(locale="fr", fuzzy=False)
    catalog.add("Paid", "")
    catalog.add("Closed", "Clôturé", flags=["fuzzy"])
    catalog.add(("%(num)d case", "%(num)d cases"), ("%(num)d dossier", ""))
    catalog.add("Error %(code)s", "Erreur %(cod)s", flags=["python-format"])
    catalog.add("Balance: %(amount)s", "Solde : %(amount)s %(amount)s")

    assert untranslated(catalog) == [
        "empty: 'Paid'",
        "fuzzy: 'Closed'",
        "empty: '%(num)d case'",
    ]
    mismatches = placeholder_mismatches(catalog)
    assert len(mismatches) == 2, mismatches  # an empty form is untranslated(), not a mismatch
    assert "Erreur %(cod)s" in mismatches[0]
    assert "%(amount)s %(amount)s" in mismatches[1]
    assert compile_errors(catalog), "babel's python-format check missed %(cod)s"

    extracted = {
        ("Paid", None): (("Paid",), "a.py"),
        ("New", None): (("New",), "b.html"),
        ("Closed", None): (("Closed", "Closed (%(num)d)"), "c.html"),
    }
    assert missing_from(catalog, extracted) == [
        "'Closed' (c.html): plural form changed to ('Closed', 'Closed (%(num)d)')",
        "'New' (b.html)",
    ]
