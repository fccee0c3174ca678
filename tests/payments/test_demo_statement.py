"""`marketplace demo-statement` prints a statement the import reads back as paying the order."""

from marketplace.payments.camt import parse_camt053


def test_demo_statement_pays_the_order(app, factories):
    order = factories.make_order(factories.make_offer(factories.make_cluster(), list_price_cents=4500))
    result = app.test_cli_runner().invoke(args=["demo-statement", order.number])
    assert result.exit_code == 0, result.output
    [credit] = parse_camt053(result.output.encode())
    assert (credit.amount_cents, credit.reference) == (order.total_incl_cents, order.payment_reference)
    assert app.test_cli_runner().invoke(args=["demo-statement", "C2026-424242"]).exit_code != 0
