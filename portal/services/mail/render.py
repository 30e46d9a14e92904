"""Rendering many e-mails at once: one Jinja environment per language, translations bound.

Rendering through `render_template` under `force_locale` looks the locale and the catalogue up
again for every `_()` and every `|money` of every message, which made most of a reminder's
cost. Each language gets its environment from portal/templating.py (templates translated as
they are compiled, formatters bound to the locale); the caller still renders a language's
messages inside one `force_locale`, so lazy strings (subjects, labels) come out in the same
language.
"""

from flask import Flask, current_app

from portal.templating import language_environment

_KEY = "amiable.mail_renderers"


class Renderer:
    """Renders `templates/email/<name>.txt|.html` in one language."""

    def __init__(self, app: Flask, language: str):
        self.app = app
        self.language = language
        self.env = language_environment(app, language)  # the caller's force_locale(language)

    def render(self, template: str, **context) -> tuple[str, str]:
        """(text, html) of the e-mail `template` with `context`."""
        self.env.loader = self.app.jinja_env.loader  # tests add a folder to the app's loader
        text = self.template(f"email/{template}.txt").render(context)
        html = self.template(f"email/{template}.html").render(context)
        return text, html

    def template(self, name: str):
        """The compiled template `name` of this language."""
        return self.env.get_template(name)


def renderer(language: str) -> Renderer:
    """The app's renderer for `language` (made once; call under force_locale(language))."""
    cache = current_app.extensions.setdefault(_KEY, {})
    if language not in cache:
        cache[language] = Renderer(current_app._get_current_object(), language)
    return cache[language]
