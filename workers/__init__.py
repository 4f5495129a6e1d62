"""Celery application and thin tasks that call MakerNet services."""
