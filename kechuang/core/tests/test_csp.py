"""The Content-Security-Policy allows no inline script and no eval, so no template may rely on them."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)


@pytest.mark.django_db
def test_the_policy_allows_scripts_only_from_this_origin(client_for):
    policy = client_for("office").get("/")["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1).split()
    assert script_src == ["'self'"]
    assert "unsafe-eval" not in policy


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text("utf-8")
        for pattern in (INLINE_HANDLER, INLINE_SCRIPT):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offenders, "\n".join(offenders)
