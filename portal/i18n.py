"""Languages: choosing the locale, and formatting money and dates for it."""

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_percent
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale, get_translations, lazy_gettext, to_user_timezone
from markupsafe import Markup, escape

from portal.domain.money import to_decimal
from portal.labels import BASIS_LABELS, TABLES


def N_(text: str) -> str:  # noqa: N802 (gettext's usual name for it)
    """Marks a constant for the catalogs without translating it here: the text stays English
    where machines read it (the OpenAPI document) and is translated where people read it."""
    return text


LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
# English is formatted the European way: dates as "19 March 2014", not "March 19, 2014".
FORMAT_LOCALES = {"en": "en_GB"}


def babel_locale(language: str) -> str:
    """The Babel locale used to translate and format for a portal language code."""
    return FORMAT_LOCALES.get(language, language)


def current_language() -> str:
    """The two-letter code of the current language (`fr`, `en`)."""
    return get_locale().language


def select_locale() -> str:
    """The debtor's (or staff user's) choice first, then the browser, then French."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen not in languages:
        chosen = getattr(g, "preferred_language", None)
    if chosen not in languages:
        chosen = request.accept_languages.best_match(languages)
    return babel_locale(chosen or current_app.config["BABEL_DEFAULT_LOCALE"])


def money(amount: int | None, currency: str = "EUR") -> str:
    """Format integer minor units for the current locale: `1 234,56 €` or `€1,234.56`."""
    if amount is None:
        return ""
    return _format_money(amount, currency, _locale())


@lru_cache(maxsize=16384)
def _format_money(amount: int, currency: str, locale: Locale) -> str:
    return format_currency(to_decimal(amount, currency), currency, locale=locale)


def date(value: dt.date | dt.datetime | None, fmt: str = "medium") -> str:
    """Format a date for the current locale."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_user_timezone(value).date()  # the day in Paris, as letters date a moment
    return _format_date(value, fmt, _locale())


@lru_cache(maxsize=16384)
def _format_date(value: dt.date, fmt: str, locale: Locale) -> str:
    return babel_format_date(value, fmt, locale=locale)


def _locale() -> Locale:
    """The current locale, read straight from where Flask-Babel keeps it once resolved."""
    namespace = g.get("_flask_babel")
    return getattr(namespace, "babel_locale", None) or get_locale()


def percent(ratio: float | None) -> str:
    """A ratio as a percentage for the current locale (`42,5 %`); display only."""
    if ratio is None:
        return ""
    return format_percent(ratio, "#,##0.#%", locale=_locale())


def rate(basis_points: int | None) -> str:
    """A yearly rate given in basis points, for the current locale: `10 %`, `10.5%`."""
    if basis_points is None:
        return ""
    return format_percent(
        Decimal(basis_points) / 10_000, locale=_locale(), decimal_quantization=False
    )


def interest_text(line) -> str:
    """What a line's interest is: its rate (when known) and its period, in words."""
    start = line.line.due_on if line.line else None
    if line.interest_rate_bp is not None and start and line.interest_to:
        return lazy_gettext(
            "Interest at %(rate)s a year, from %(start)s to %(end)s",
            rate=rate(line.interest_rate_bp),
            start=date(start),
            end=date(line.interest_to),
        )
    if start and line.interest_to:
        return lazy_gettext(
            "Late-payment interest, from %(start)s to %(end)s",
            start=date(start),
            end=date(line.interest_to),
        )
    return lazy_gettext("Interest")


def _between_businesses(case) -> bool:
    # Without a court title, the only charges a professional may owe are those of L441-10.
    return case.debtor.kind == "professional" and not case.enforceable_title


def charges_label(case) -> str:
    """What a case's charges are: between businesses, the recovery indemnity and its basis."""
    if _between_businesses(case):
        return lazy_gettext("Fixed recovery indemnity (C. com. L441-10 and D441-5)")
    return lazy_gettext("Other charges")


def costs_rule(case) -> str:
    """Which rule on recovery costs applies to this case's debtor, in one sentence."""
    if _between_businesses(case):
        return lazy_gettext(
            "Between businesses, the law adds to a late invoice a fixed indemnity of €40 for "
            "recovery costs and late-payment interest (French Commercial Code, articles L441-10 "
            "and D441-5). Any other cost of this amicable recovery remains payable by the "
            "creditor."
        )
    return lazy_gettext(
        "The costs of this amicable recovery remain payable by the creditor: none is charged "
        "to you (article L111-8 of the French Code of civil enforcement procedures)."
    )


def basis_sentence(lines) -> str:
    """The R124-4 "basis of the debt" sentence, naming what the lines are (invoices, contracts)."""
    kinds = {x.line.basis for x in lines if x.line is not None}
    if kinds == {"invoice"}:
        return lazy_gettext(
            "Basis of the debt: the invoices listed above, with principal, interest and other "
            "charges shown separately."
        )
    if kinds == {"contract"}:
        return lazy_gettext(
            "Basis of the debt: the contracts listed above, with principal, interest and other "
            "charges shown separately."
        )
    return lazy_gettext(
        "Basis of the debt: the invoices, contracts and other debts listed above, with "
        "principal, interest and other charges shown separately."
    )


def line_label(line) -> str:
    """What a debt line is: `Invoice F-12`, `Contract C-3`, or other charges."""
    if line.line is None:
        return lazy_gettext("Other charges")
    kind = BASIS_LABELS.get(line.line.basis, BASIS_LABELS["other"])
    return f"{kind} {line.line.document_number}"


# Ledger memos the portal writes itself (stored in English, the data's language), translated
# when shown; any other memo is a person's own words and is shown as written.
_MEMOS = {
    "Online payment": lazy_gettext("Online payment no. %(id)s"),
    "Refund of online payment": lazy_gettext("Refund of online payment no. %(id)s"),
    "Chargeback of online payment": lazy_gettext("Chargeback of online payment no. %(id)s"),
    "Chargeback won of online payment": lazy_gettext(
        "Chargeback reversed, online payment no. %(id)s"
    ),
}
_MEMO = re.compile(r"^(?P<what>[A-Za-z ]+) #(?P<id>\d+)$")


def memo_text(memo: str | None) -> str:
    """A ledger memo in the current language: the portal's own memos are translated."""
    found = _MEMO.match(memo or "")
    label = _MEMOS.get(found.group("what")) if found else None
    if label is None:
        return memo or ""
    return str(label) % {"id": found.group("id")}


def iban(value: str | None) -> str:
    """An IBAN in groups of four, as printed on bank documents."""
    compact = (value or "").replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _translations():
    """This request's translations, looked up once per locale instead of once per string."""
    locale = _locale()
    cached = g.get("_translations")
    if cached is None or cached[0] is not locale:  # force_locale (e-mails) changes it
        cached = g._translations = (locale, get_translations())
    return cached[1]


def code_spans(text: str | None) -> Markup:
    """Prose with `backticked` identifiers shown as code (the API docs' descriptions)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text or ""))))


def code_list(values) -> Markup:
    """Identifiers as a list of code elements: `a`, `b`."""
    return Markup(", ").join(Markup("<code>%s</code>") % value for value in values)


def register_jinja(app: Flask) -> None:
    """Expose the formatters and the language list to templates."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["date"] = date
    app.jinja_env.filters["iban"] = iban
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["rate"] = rate
    app.jinja_env.filters["memo"] = memo_text
    app.jinja_env.filters["code_spans"] = code_spans
    app.jinja_env.filters["code_list"] = code_list
    app.jinja_env.globals.update(
        interest_text=interest_text,
        charges_label=charges_label,
        line_label=line_label,
        costs_rule=costs_rule,
        basis_sentence=basis_sentence,
    )
    app.jinja_env.add_extension("portal.services.mail.fragments.FragmentCache")  # e-mails
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals.update(TABLES)  # every label table (portal/labels.py)
