"""A web process's warm-up before its first request (kechuang.core.warmup)."""

from django.template import engines
from django.urls import get_resolver

from kechuang.core.warmup import _template_names, warm_up


def test_the_warm_up_resolves_the_urlconf_and_compiles_every_template_without_a_database():
    # No django_db mark: any query or connection would fail the test (gunicorn may fork after it).
    assert warm_up() > 0
    assert get_resolver()._populated
    names = _template_names()
    assert "base.html" in names and len(names) > 50
    loader = engines["django"].engine.template_loaders[0]
    cached = getattr(loader, "get_template_cache", {})
    assert any(name in cached for name in ("base.html", "reporting/workspace.html"))
