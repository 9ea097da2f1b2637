"""WSGI entry point: ``gunicorn wsgi:app``; task consumer: ``huey_consumer wsgi.huey``."""

from lms import create_app, tasks

app = create_app()
#: The queue, configured from this app's settings; the consumer runs tasks in its context.
huey = tasks.huey
