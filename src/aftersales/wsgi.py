import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
application = get_wsgi_application()

# Web workers index new cases and search them: load jieba's dictionary before the first request
# (the Huey consumer and management commands load it only if they need it).
from aftersales.cases.search import warm_up  # noqa: E402

warm_up()
