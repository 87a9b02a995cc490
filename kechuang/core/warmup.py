"""What a web process does once, before its first request: without it the first request of every gunicorn
worker (after a start, a restart or a deploy) pays ~0.9 s for importing every view module, resolving the URLconf,
importing the cache client and compiling the templates it renders. Nothing here opens a database or cache
connection, so it is safe before a fork."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver

logger = logging.getLogger(__name__)


def _template_names() -> list[str]:
    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    dirs += [Path(d) for d in get_app_template_dirs("templates")]
    names = set()
    for root in dirs:
        if root.is_dir():
            names.update(str(p.relative_to(root)) for p in root.rglob("*.html"))
    return sorted(names)


def warm_up() -> float:
    """Import the views (URLconf), create the cache clients and compile every template; seconds taken."""
    start = time.perf_counter()
    get_resolver()._populate()  # imports every view module and builds the reverse lookups
    for alias in settings.CACHES:
        getattr(caches[alias], "_cache", None)  # the client object (a Redis client imports redis); no connection
    engine = engines["django"]
    for name in _template_names():
        try:
            engine.get_template(name)  # the cached loader keeps the compiled template for the process
        except (TemplateDoesNotExist, TemplateSyntaxError):  # e.g. an admin override of a missing base
            logger.debug("warm-up skipped template %s", name)
    return time.perf_counter() - start
