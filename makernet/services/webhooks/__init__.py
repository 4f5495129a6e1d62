"""Webhooks: an organisation's notices posted as signed JSON to its chat tool or its own system, never twice."""
from makernet.services.webhooks.commands import add_webhook, remove_webhook
from makernet.services.webhooks.queries import failed_posts, webhooks_of
from makernet.services.webhooks.views import NewWebhook, WebhookView
from makernet.services.webhooks.worker import post_webhook, signature, sweep

__all__ = ["NewWebhook", "WebhookView", "add_webhook", "failed_posts", "post_webhook", "remove_webhook", "signature",
           "sweep", "webhooks_of"]
