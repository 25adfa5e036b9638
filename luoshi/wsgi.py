"""The WSGI application, prepared for serving: what the first requests would otherwise load is
loaded now, then kept out of the garbage collector's reach.

Without gc.freeze() every full collection (about one in thirty searches) walks jieba's
350,000-word dictionary and all of Django's modules (bench/FIGURES.md). Frozen
before a server forks its workers, the same objects also stay shared between them."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
application = get_wsgi_application()


def prepare() -> None:
    from luoshi.search.text import load_dictionary

    load_dictionary()
    gc.collect()
    gc.freeze()


prepare()
