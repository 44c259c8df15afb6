"""Residents' reports in the API (Open311-style)."""

urlpatterns: list = []
