"""The demo outbox (PORTAL_ENV=demo only): every e-mail recorded, each shown as its debtor sees
it with working links; absent from any other environment."""

import re

import pytest

from portal.security import make_case_token


@pytest.fixture
def demo_client(app_factory):
    return app_factory(DEMO_OUTBOX=True).test_client()


def test_the_outbox_lists_every_email_and_shows_each_with_its_link(demo_client, factories):
    case = factories.case()
    link = f"http://portal.test/l/{make_case_token(case.id, case.link_version)}"
    html = f'<!doctype html><html><body><p>Bonjour</p><a href="{link}">Voir</a></body></html>'
    first = factories.recorded_message(case, subject="Avis de somme due", body_html=html)
    factories.recorded_message(factories.case(), subject="Relance", body_text="Texte seul")
    outbox = demo_client.get("/demo/outbox", headers={"Accept-Language": "en"})
    assert outbox.status_code == 200
    assert "Avis de somme due" in outbox.text and "Relance" in outbox.text
    assert "Recorded (not sent: no mail server)" in outbox.text
    shown = demo_client.get(f"/demo/outbox/{first.id}")
    assert shown.status_code == 200 and f'href="{link}"' in shown.text
    assert "default-src 'none'" in shown.headers["Content-Security-Policy"]
    # The link in the e-mail works: it asks for the verification factor of that case.
    path = re.search(r'href="http://portal.test(/l/[^"]+)"', shown.text).group(1)
    assert demo_client.get(path).status_code == 200
    assert demo_client.get("/demo/outbox/999999").status_code == 404


def test_no_outbox_outside_the_demo(client, factories):
    message = factories.recorded_message(factories.case())
    assert client.get("/demo/outbox").status_code == 404
    assert client.get(f"/demo/outbox/{message.id}").status_code == 404
