import pytest
from django.db import connection

from config.database import _settings_from_url


def test_jit_is_off_unless_the_url_says_otherwise():
    assert _settings_from_url("postgres://u@h/db")["OPTIONS"] == {"options": "-c jit=off"}
    url = "postgres://u@h/db?options=-c%20work_mem%3D64MB"
    assert _settings_from_url(url)["OPTIONS"] == {"options": "-c work_mem=64MB"}


@pytest.mark.django_db
def test_the_connection_runs_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
