"""Payments fixtures: a local server answering like Stripe's API, and the app configured to use it."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

SECRET = "whsec_test_secret"
REVERSALS = r"/v1/transfers/(\w+)/reversals"


class FakeStripe(BaseHTTPRequestHandler):
    """Answers like Stripe's API (Checkout Sessions, refunds, PaymentIntents, transfers and their reversals)
    and records what the SDK sent."""

    requests: list[dict] = []
    fee_cents = 0  # Stripe's fee on the charge, in its balance transaction
    fail_reversals = False  # the connected account cannot give the money back: Stripe answers 400

    def _count(self, pattern: str) -> int:
        return sum(1 for sent in self.requests if re.fullmatch(pattern, sent["path"]))

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
            self._reply({"id": f"re_test_{self._count('/v1/refunds')}", "object": "refund", "status": "succeeded",
                         "amount": int(form["amount"][0]), "payment_intent": form["payment_intent"][0]})
            return
        if self.path == "/v1/transfers":
            self._reply({"id": f"tr_test_{self._count('/v1/transfers')}", "object": "transfer",
                         "amount": int(form["amount"][0]), "currency": form["currency"][0],
                         "destination": form["destination"][0], "transfer_group": form["transfer_group"][0],
                         "source_transaction": form.get("source_transaction", [None])[0], "amount_reversed": 0})
            return
        reversal = re.fullmatch(REVERSALS, self.path)
        if reversal and self.fail_reversals:
            self._reply({"error": {"type": "invalid_request_error", "code": "balance_insufficient",
                                   "message": "Insufficient funds in the connected account to reverse."}}, 400)
            return
        if reversal:
            self._reply({"id": f"trr_test_{self._count(REVERSALS)}",
                         "object": "transfer_reversal", "amount": int(form["amount"][0]),
                         "transfer": reversal.group(1)})
            return
        self._reply({"id": "cs_test_1", "object": "checkout.session", "status": "open",
                     "url": "https://checkout.stripe.com/c/pay/cs_test_1"})

    def do_GET(self):  # noqa: N802
        url = urlsplit(self.path)
        self.requests.append({"path": url.path, "form": parse_qs(url.query), "headers": dict(self.headers)})
        if url.path.startswith("/v1/payment_intents/"):
            self._reply({"id": url.path.rsplit("/", 1)[1], "object": "payment_intent", "status": "succeeded",
                         "latest_charge": {"id": "ch_test_1", "object": "charge", "balance_transaction": {
                             "id": "txn_test_1", "object": "balance_transaction", "fee": self.fee_cents}}})
            return
        self._reply({"id": "cs_test_1", "object": "checkout.session", "status": "expired", "url": None})

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_stripe():
    FakeStripe.requests = []
    FakeStripe.fee_cents, FakeStripe.fail_reversals = 0, False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", FakeStripe.requests
    server.shutdown()


@pytest.fixture
def stripe_app(app, fake_stripe):
    app.config.update(STRIPE_SECRET_KEY="sk_test_123", STRIPE_WEBHOOK_SECRET=SECRET, STRIPE_API_BASE=fake_stripe[0])
    return app


