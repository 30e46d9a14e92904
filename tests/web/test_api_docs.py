"""The API's readable page speaks the reader's language; the OpenAPI document stays English."""

import html

FR = {"Accept-Language": "fr"}
EN = {"Accept-Language": "en"}


def test_the_docs_prose_is_in_french_for_a_french_reader(client):
    page = html.unescape(client.get("/api/v1/docs", headers=FR).get_data(as_text=True))
    for french in ("Confier des dossiers, tous ou aucun", "Jeton absent, inconnu ou révoqué",
                   "adresse postale, seconde ligne", "unités mineures (centimes)",
                   "Vérifier la signature d’un webhook".replace("’", "'")):  # fmt: skip
        assert french in page, french
    assert "Place cases, all or none" not in page and "postal address, second line" not in page


def test_the_docs_prose_is_in_english_for_an_english_reader(client):
    page = html.unescape(client.get("/api/v1/docs", headers=EN).get_data(as_text=True))
    assert "Place cases, all or none" in page and "postal address, second line" in page
    assert "Checking a webhook's signature" in page


def test_the_openapi_document_stays_english_whatever_the_language(client):
    document = client.get("/api/v1/openapi.json", headers=FR).get_json()
    assert document["paths"]["/cases"]["post"]["summary"] == "Place cases, all or none"
    lines = document["components"]["schemas"]["CaseInput"]["properties"]["lines"]
    assert lines["items"]["properties"]["issued_on"]["description"] == "date of the document"
