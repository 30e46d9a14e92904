"""The plan form: the consent error sits by the consent box; each way of splitting shows its
own field (by CSS classes the stylesheet hides, so without JavaScript too)."""

import datetime as dt
import re

import pytest
import time_machine

from portal.config import ROOT
from tests.web.test_overview import log_in, text_of
from tests.web.test_plan_pages import plan_data, send


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_the_consent_error_is_next_to_the_box(client, factories):
    factories.agency()
    case = factories.case(lines=(60_000,), debtor_=factories.debtor(language="en"))
    log_in(client, case)
    response = send(client, plan_data(count="3"), action="confirm")
    assert response.status_code == 422
    box = re.search(r'<div class="field consent has-error">(.*?)</div>', response.text, re.S)
    assert box, "the consent box is not marked as faulty"
    assert 'name="consent"' in box.group(1) and 'aria-describedby="consent-error"' in box.group(1)
    assert "Tick the box to accept the agreement" in text_of(box.group(1))
    # No general alert at the top of the page pointing at fields that are fine.
    assert "Please correct the fields marked below" not in text_of(response.text)


def test_count_and_amount_fields_carry_the_classes_the_stylesheet_hides(client, factories):
    case = factories.case(lines=(60_000,))
    log_in(client, case)
    html = client.get("/case/plan").text
    assert '<div class="field by-count">' in html and '<div class="field by-amount">' in html
    css = (ROOT / "portal" / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert "input[name=mode][value=count]:checked) .by-amount" in css
    assert "input[name=mode][value=amount]:checked) .by-count" in css
