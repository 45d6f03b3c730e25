"""Subscribers and delivery: readers who get each issue by email, exactly once.

- `models`: `Subscriber` (double opt-in, its own unsubscribe token) and
  `Delivery` (one row per issue and subscriber, claimed before sending);
  re-exported by `newsletter.models`.
- `services`: subscribing, confirming, unsubscribing, bounces and complaints,
  CSV import and export, erasing an address.
- `delivery`: creating, claiming, sending and recovering deliveries; the
  progress and report of an issue's send.
- `emails`: the messages: the issue email (the inlined-CSS export plus a plain
  text part, with RFC 8058 unsubscribe headers) and the confirmation email.
- `tasks`: the Celery tasks that fan the sending out in batches.
- `views`, `forms`, `urls`: /subscribe/, the confirmation and unsubscribe pages.
- `webhooks`: django-anymail's tracking (bounces, complaints) and inbound
  (mailto unsubscribe) signals.
- `mail_backends`: a file outbox that can tell whether a message was sent.
"""
