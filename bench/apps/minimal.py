"""The floor: a one-route Flask app returning a short string (`gunicorn bench.apps.minimal:app`)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """A short string, nothing else."""
    return "Hello from a minimal Flask app."
