import os

from django.core.wsgi import get_wsgi_application

from kechuang.core.warmup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
application = get_wsgi_application()

if os.environ.get("KECHUANG_WARMUP", "1") != "0":
    # Before the first request, not during it (gunicorn loads this module in each worker before it serves).
    warm_up()
