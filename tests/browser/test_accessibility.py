"""axe-core (vendored under tests/browser/axe, no network) finds no WCAG 2.1 A/AA violation on
any debtor page of the tour, in French and English."""

from pathlib import Path

import pytest

from tests.browser.tour import build_cases, tour

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "axe" / "axe.min.js").read_text(encoding="utf-8")
RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page (evaluated through the browser's debugger, so the page's CSP,
    which allows no inline script, does not need loosening)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE + "\n;true")
    return page.evaluate(RUN)


@pytest.mark.parametrize(("locale", "lang"), [("fr-FR", "fr"), ("en-GB", "en")])
def test_no_accessibility_violation_on_any_debtor_page(
    new_page, factories, case_link, live_server, locale, lang
):
    cases = build_cases(factories, lang)
    page = new_page(locale=locale)
    found = {}

    def check(page_, name):
        violations = axe_violations(page_)
        if violations:
            found[name] = violations

    tour(page, live_server, cases, case_link(cases.wide), check)
    report = "\n".join(
        f"{name}: {v['id']} ({v['impact']}) {v['help']}: {v['nodes']}"
        for name, violations in found.items()
        for v in violations
    )
    assert not found, report


def test_the_check_finds_a_violation_when_there_is_one(new_page, live_server):
    page = new_page()
    page.goto(f"{live_server}/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                  "'<img src=\"/static/favicon.svg\"><button></button>')")  # fmt: skip
    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "button-name"} <= ids
