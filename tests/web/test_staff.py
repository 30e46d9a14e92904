"""Staff login, landing pages and lists."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import Role, StaffUser
from tests.conftest import post_form, staff_log_in

EN = {"Accept-Language": "en"}


def staff_login(client, email, password="correct horse battery staple", **kwargs):
    """Password, then the second factor's code when the user has one."""
    response = post_form(client, "/staff/login", {"email": email, "password": password}, **kwargs)
    if response.headers.get("Location", "").startswith("/staff/login/code"):
        user = db.session.execute(select(StaffUser).filter_by(email=email)).scalar_one()
        response = staff_log_in(client, user, password)
    return response


def test_collector_lands_on_the_case_list(client, factories):
    user = factories.staff(Role.COLLECTOR)
    response = staff_login(client, user.email)
    assert response.status_code == 303 and response.headers["Location"] == "/staff/cases/"
    assert client.get("/staff/cases/", headers=EN).status_code == 200


def test_creditor_lands_on_its_portfolio_with_totals(client, factories):
    user = factories.staff(Role.CREDITOR)
    factories.case(user.creditor, lines=(10_000,), payments=(2_500,))
    response = staff_login(client, user.email)
    assert response.headers["Location"] == "/creditor/cases"
    page = client.get("/creditor/cases", headers=EN).text
    assert user.creditor.legal_name in page
    assert "€100.00" in page and "€25.00" in page and "€75.00" in page


def test_wrong_password_and_unknown_email_get_the_same_answer(client, factories):
    user = factories.staff(Role.ADMIN)
    wrong = staff_login(client, user.email, "nope", headers=EN)
    unknown = staff_login(client, "nobody@test.example", "nope", headers=EN)
    assert wrong.status_code == unknown.status_code == 422
    assert "E-mail or password is incorrect." in wrong.text
    assert "E-mail or password is incorrect." in unknown.text


def test_staff_login_is_rate_limited(client, factories):
    user = factories.staff(Role.ADMIN)
    for _ in range(5):
        staff_login(client, user.email, "nope")
    assert staff_login(client, user.email).status_code == 429


def test_next_after_login_stays_on_site(client, factories):
    user = factories.staff(Role.COLLECTOR)
    page = client.get("/staff/cases/?q=abc")
    assert page.status_code == 302 and "next=" in page.headers["Location"]
    response = staff_log_in(client, user, query=page.headers["Location"].split("?", 1)[1])
    assert response.headers["Location"] == "/staff/cases/?q=abc"
    client2 = client.application.test_client()
    evil = staff_log_in(client2, user, query="next=https://evil.example")
    assert evil.headers["Location"] == "/staff/cases/"


def test_staff_case_page_shows_ledger_and_timeline(client, factories):
    user = factories.staff(Role.COLLECTOR)
    case = factories.case(lines=(5_000,), payments=(1_000,))
    staff_login(client, user.email)
    page = client.get(f"/staff/cases/{case.reference}", headers=EN).text
    assert "Ledger" in page and "Timeline" in page
    assert "€40.00" in page  # balance
    assert "Ledger entry added" in page


def test_logout(client, factories):
    user = factories.staff(Role.COLLECTOR)
    staff_login(client, user.email)
    post_form(client, "/staff/cases/", {}, post_url="/staff/logout")
    assert client.get("/staff/cases/").status_code == 302


def test_pagination_and_search(client, factories):
    user = factories.staff(Role.COLLECTOR)
    creditor = factories.creditor()
    for _ in range(55):
        factories.case(creditor)
    staff_login(client, user.email)
    first = client.get("/staff/cases/", headers=EN).text
    assert "55 cases" in first and "Page 1 of 2" in first
    assert client.get("/staff/cases/?page=2", headers=EN).status_code == 200
    assert client.get("/staff/cases/?page=abc", headers=EN).status_code == 200


def test_staff_read_recorded_messages_as_the_debtor_sees_them(client, factories, db):
    user = factories.staff(Role.COLLECTOR)
    case, other = factories.case(), factories.case()
    message = factories.recorded_message(
        case,
        subject="Objet du message",
        body_text="Bonjour texte",
        body_html="<p style='x'>Bonjour html</p>",
    )
    staff_login(client, user.email)
    page = client.get(f"/staff/cases/{case.reference}", headers=EN).text
    assert "Objet du message" in page and "Recorded (not sent: no mail server)" in page
    html = client.get(f"/staff/cases/{case.reference}/messages/{message.id}")
    assert "Bonjour html" in html.text
    assert html.headers["Content-Security-Policy"].startswith("sandbox")
    text = client.get(f"/staff/cases/{case.reference}/messages/{message.id}?part=text")
    assert text.mimetype == "text/plain" and text.text == "Bonjour texte"
    # A message of another case is not reachable through this case.
    assert client.get(f"/staff/cases/{other.reference}/messages/{message.id}").status_code == 404
