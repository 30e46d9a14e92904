"""The pages a debtor expects: privacy notice, legal notice, help when struggling to pay; each
linked from every page's footer in both languages, with "back to my case" when logged in."""

import pytest

from tests.web.test_pay_pages import log_in, text_of

FOOTER = ('href="/rights"', 'href="/help"', 'href="/privacy"', 'href="/legal-notice"')


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_footer_links_the_four_pages(client, factories, lang):
    factories.agency()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    anonymous = ["/", "/rights", "/help", "/privacy", "/legal-notice", "/l/not-a-token"]
    for path in anonymous:
        page = client.get(path)
        assert page.status_code in (200, 400), path  # a bad link's error page has them too
        footer = page.text[page.text.index('<footer class="site-footer">') :]
        assert all(link in footer for link in FOOTER), path
    case = factories.case()
    log_in(client, case, lang=lang)
    for path in ("/case", "/documents", "/pay", "/case/plan"):
        footer = client.get(path).text.split('<footer class="site-footer">')[1]
        assert all(link in footer for link in FOOTER), path


def test_privacy_notice_says_what_why_how_long_rights_and_the_cnil(client, factories):
    agency = factories.agency()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    text = text_of(client.get("/privacy").text)
    for expected in (
        "The data we hold",
        "Why, and on what legal basis",
        "legitimate interest",
        "How long we keep it",
        "5 years",
        "articles 15 to 21",
        f"Write to {agency.email}",
        "CNIL",
    ):
        assert expected in text, expected


def test_legal_notice_and_help_in_french(client, factories, web_app, monkeypatch):
    agency = factories.agency()
    monkeypatch.setitem(web_app.config, "HOSTING_PROVIDER", "Hébergeur SAS, 1 rue du Cloud, Lille")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    legal = text_of(client.get("/legal-notice").text)
    assert "Mentions légales" in legal and agency.legal_name in legal and agency.siren in legal
    assert "Hébergeur SAS, 1 rue du Cloud, Lille" in legal and "R124-2" in legal
    help_ = text_of(client.get("/help").text)
    assert "Banque de France" in help_ and "surendettement" in help_
    assert "Point conseil budget" in help_ and "CCAS" in help_


def test_back_to_my_case_only_when_logged_in(client, factories):
    for path in ("/privacy", "/legal-notice", "/help", "/rights"):
        assert 'data-testid="back-to-case"' not in client.get(path).text, path
    log_in(client, factories.case())
    for path in ("/privacy", "/legal-notice", "/help", "/rights"):
        page = client.get(path).text
        assert '<a href="/case" data-testid="back-to-case">' in page, path
