import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_runs_on_the_database_named_by_database_url():
    """CI runs the suite twice; this proves the second run really is on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
