import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
application = get_wsgi_application()

# Web workers index new cases and search them: load jieba's dictionary before the first request
# (the Huey consumer and management commands load it only if they need it).
from aftersales.cases.search import warm_up  # noqa: E402

warm_up()

# What start-up loaded (Django, the URL map, jieba's dictionary) lives as long as the worker:
# keep it out of the garbage collector's full passes, which otherwise walk it on requests and
# add hundreds of milliseconds to the slowest pages (bench/dispatch_bench.py, --gc-freeze).
gc.collect()
gc.freeze()
