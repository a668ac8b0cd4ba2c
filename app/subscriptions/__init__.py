"""E-mail subscriptions to a milestone or a field of action: double opt-in, one-click unsubscribe."""
