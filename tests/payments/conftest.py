"""Payments fixtures: a local server answering like Stripe's API, and the app configured to use it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

SECRET = "whsec_test_secret"


class FakeStripe(BaseHTTPRequestHandler):
    """Answers like Stripe's API for Checkout Sessions and records what the SDK sent."""

    requests: list[dict] = []

    def _reply(self, body: dict, status: int = 200):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", "req_test")
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        self.requests.append({"path": self.path, "form": form, "headers": dict(self.headers)})
        if self.path.startswith("/v1/refunds"):
            self._reply({"id": "re_test_1", "object": "refund", "status": "succeeded",
                         "amount": int(form["amount"][0]), "payment_intent": form["payment_intent"][0]})
            return
        self._reply({"id": "cs_test_1", "object": "checkout.session", "status": "open",
                     "url": "https://checkout.stripe.com/c/pay/cs_test_1"})

    def do_GET(self):  # noqa: N802
        self.requests.append({"path": self.path, "form": {}, "headers": dict(self.headers)})
        self._reply({"id": "cs_test_1", "object": "checkout.session", "status": "expired", "url": None})

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_stripe():
    FakeStripe.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", FakeStripe.requests
    server.shutdown()


@pytest.fixture
def stripe_app(app, fake_stripe):
    app.config.update(STRIPE_SECRET_KEY="sk_test_123", STRIPE_WEBHOOK_SECRET=SECRET, STRIPE_API_BASE=fake_stripe[0])
    return app


