"""Residents' reports: the public form and status page, and the queue of the office and streets."""

app_name = "reports"
urlpatterns: list = []
