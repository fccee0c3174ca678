"""The baseline of bench/catalogue.sh: the cheapest possible Flask response, served like the marketplace.

    gunicorn -w 2 -b 127.0.0.1:8001 --chdir bench hello_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
