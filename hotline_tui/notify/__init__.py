"""Notifications (docs/notify.md): the outbox written with each ticket change, the delivery
worker, Standard Webhooks signing, the templates and the department intake's rules."""
