import pytest


@pytest.fixture(autouse=True)
def _fresh_dashboard_cache():
    """Test databases roll back, so two tests can share a data fingerprint: start each with no cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
