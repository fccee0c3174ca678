"""The JSON API for cluster websites and CRMs (views.py, orders.py, money.py) and its OpenAPI document."""
