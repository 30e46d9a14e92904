"""No page repeats an HTML id: a label, a skip link or an aria reference would point at the
first element of that id only (tests/every_page.py walks every route)."""

from collections import Counter
from html.parser import HTMLParser

from tests import every_page as every_page_module
from tests.every_page import (
    answers_to_empty_forms,
    every_page_in_every_state,
    other_states,
)
from tests.web import test_access

world = test_access.world  # the access test's fixture: a case of every kind, staff of every role
demo_app = every_page_module.demo_app  # the app with the demo outbox


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id" and value is not None]


def ids_of(html: str) -> list[str]:
    """Every id attribute of the page, in order."""
    parser = _Ids()
    parser.feed(html)
    return parser.ids


def test_the_parser_sees_a_repeated_id():
    assert Counter(ids_of('<p id="a">x</p><div><input id="a"></div>'))["a"] == 2


def test_every_page_has_unique_ids(demo_app, world):
    repeated = {}
    pages = every_page_in_every_state(demo_app, world, other_states(world), "en")
    assert all(page.status == 200 for page in pages)
    for page in pages + answers_to_empty_forms(demo_app, world, "en"):  # with error messages
        twice = {i: n for i, n in Counter(ids_of(page.html)).items() if n > 1}
        if twice:
            repeated[page.name] = twice
    assert not repeated
