"""The e-mail service: subscriptions, newsletters, press alerts and the outbox."""
