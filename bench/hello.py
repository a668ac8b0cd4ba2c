"""The baseline of the benchmark: a one-route Flask app served by the same gunicorn settings.

`gunicorn -c gunicorn.conf.py bench.hello:app`; the ratio of the portal's requests/s to this
app's shows what the portal costs beyond Flask and gunicorn themselves.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
