"""The e-mail renderer (one environment per language, translations bound) writes exactly what
Flask's render_template writes under force_locale."""

import datetime as dt

import pytest
from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from portal import templating
from portal.i18n import babel_locale
from portal.legal import L111_8_AL2_AL3
from portal.services.cases.amounts import amounts_for
from portal.services.mail import render as mail_render

TEMPLATES = [
    "reminder_first_notice",
    "reminder_reminder",
    "reminder_formal_notice",
    "reminder_instalment",
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("tone", ["firm", "courteous"])
def test_same_text_and_html_as_render_template(factories, template, language, tone):
    agency = factories.agency()
    case = factories.case(debtor_=factories.debtor(language=language, first_name="Zoé <b>"))
    context = dict(
        case=case,
        agency=agency,
        amounts=amounts_for([case.id])[case.id],
        link="http://portal.test/l/abc",
        base_url="portal.test",
        unsubscribe_url="http://portal.test/u/abc",
        l111_8=L111_8_AL2_AL3,
        reference=f"{case.display_reference}-2",
        first_notice_reference=f"{case.display_reference}-1",
        first_notice_date=dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC),
        tone=tone,
        days_to_pay=8,
        instalment_amount=12_345,
        instalment_due_on=dt.date(2026, 12, 4),
    )
    with force_locale(babel_locale(language)):
        expected = (
            render_template(f"email/{template}.txt", **context),
            render_template(f"email/{template}.html", **context),
        )
        assert mail_render.renderer(language).render(template, **context) == expected
    assert "Zoé &lt;b&gt;" in expected[1]  # the html part escapes what the debtor typed


@pytest.mark.parametrize(
    ("translated", "variables"),
    [
        ("Bonjour %(name)s,", {"name": "Zoé <b> & « Cie »"}),
        ("%(num)d échéance(s) de %(amount)s", {"num": 3, "amount": "12,00\u00a0€"}),
        ("100 %% dû : %(x)s", {"x": Markup("<i>déjà sûr</i>")}),
        ("%(a)s / %(b)s", {"a": None, "b": 1.5}),
    ],
)
def test_translated_text_is_formatted_and_escaped_as_jinja_does(translated, variables):
    assert templating._format(translated, True, variables) == Markup(translated) % variables
    assert templating._format(translated, False, variables) == translated % variables


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_moment_is_dated_as_in_paris_like_the_letters(factories, language):
    """23:30 UTC on 1 December is 2 December in Paris: e-mails and pages say so, as letters do."""
    agency = factories.agency()
    case = factories.case(debtor_=factories.debtor(language=language))
    late = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)
    context = dict(
        case=case,
        agency=agency,
        amounts=amounts_for([case.id])[case.id],
        link="http://portal.test/l/abc",
        base_url="portal.test",
        unsubscribe_url="http://portal.test/u/abc",
        l111_8=L111_8_AL2_AL3,
        reference=f"{case.display_reference}-2",
        first_notice_reference=f"{case.display_reference}-1",
        first_notice_date=late,
        tone="firm",
        days_to_pay=8,
    )
    expected = {"fr": "2 décembre 2026", "en": "2 December 2026"}[language]
    with force_locale(babel_locale(language)):
        text, _html = mail_render.renderer(language).render("reminder_formal_notice", **context)
        assert f"of {expected}" in text or f"du {expected}" in text
        assert expected in render_template("email/reminder_formal_notice.txt", **context)
