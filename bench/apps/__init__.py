"""Reference apps served by gunicorn next to the portal, to put its figures in proportion."""
