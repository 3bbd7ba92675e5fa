"""The annotations part of the REST API, mounted under /api/ by config/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
