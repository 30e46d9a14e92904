"""The admin's settlement policy form: bands saved with an audit, a preview of a sample
balance, and bad bands refused with a message and nothing saved."""

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Role, SettlementBand
from tests.conftest import post_form, staff_log_in
from tests.web.test_admin import admin_client, last_event  # noqa: F401 (a fixture)
from tests.web.test_pay_pages import text_of


def _bands(*rows):
    data = {}
    for n, (low, high, percent, days) in enumerate(rows):
        data.update({f"band-{n}-from": low, f"band-{n}-to": high, f"band-{n}-percent": percent,
                     f"band-{n}-days": days})  # fmt: skip
    return data


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(SettlementBand))


def test_the_admin_saves_bands_with_an_audit_and_previews_a_balance(admin_client, factories):  # noqa: F811
    creditor = factories.creditor()
    url = f"/admin/creditors/{creditor.id}/settlement"
    assert "settlement-policy-link" in admin_client.get(f"/admin/creditors/{creditor.id}").text
    bands = _bands(("0", "499,99", "10", "15"), ("500", "", "20", "30"))
    preview = post_form(admin_client, url, {**bands, "sample": "1000", "action": "preview"})
    assert preview.status_code == 200 and _count() == 0
    assert "would be offered to pay €800.00 (€200.00 written off) within 30 days" in text_of(
        preview.text
    )
    saved = post_form(admin_client, url, {**bands, "action": "save"})
    assert saved.status_code == 303 and _count() == 2
    event = last_event("admin.creditor_settlement_changed")
    assert event.staff_user_id == admin_client.admin.id
    assert event.details["before"] == [] and event.details["after"][0]["to"] == "499.99"
    page = admin_client.get(url).text
    assert 'value="499.99"' in page and 'value="20"' in page


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((("0", "500", "10", "15"), ("500", "", "20", "30")), "Bands overlap"),
        ((("0", "", "10", "15"), ("1000", "2000", "20", "30")), "Bands overlap"),
        ((("0", "", "100", "15"),), "Band 1: the discount must be more than 0 and less"),
        ((("0", "", "10", "0"),), "Band 1: the days to pay must be from 1 to 90"),
        ((("900", "100", "10", "15"),), "Band 1: the upper end must not be below"),
        ((("abc", "", "10", "15"),), "Band 1: fill in amounts"),
    ],
)
def test_bad_bands_are_refused_with_a_message_and_nothing_saved(admin_client, factories, rows,  # noqa: F811
                                                                message):  # fmt: skip
    creditor = factories.creditor()
    url = f"/admin/creditors/{creditor.id}/settlement"
    post_form(admin_client, url, {**_bands(("0", "", "5", "10")), "action": "save"})
    response = post_form(admin_client, url, {**_bands(*rows), "action": "save"})
    assert response.status_code == 422 and message in text_of(response.text)
    assert [b.discount_bp for b in db.session.scalars(select(SettlementBand))] == [500]


def test_only_admins_reach_the_form_and_csrf_is_required(web_app, factories, admin_client):  # noqa: F811
    creditor = factories.creditor()
    url = f"/admin/creditors/{creditor.id}/settlement"
    for role in (Role.COLLECTOR, Role.CREDITOR):
        client = web_app.test_client()
        staff_log_in(client, factories.staff(role))
        assert client.get(url).status_code == 403
    response = admin_client.post(url, data={**_bands(("0", "", "5", "10")), "action": "save"})
    assert response.status_code == 400 and _count() == 0
