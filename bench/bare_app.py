"""The yardstick: a bare Flask route returning a short string, served like Trainer."""

from flask import Flask

app = Flask(__name__)


@app.route("/hello")
def hello() -> str:
    return "hello"
