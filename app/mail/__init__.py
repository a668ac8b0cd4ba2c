"""Outgoing e-mail: an outbox table, SMTP delivery with retries, and the `flask mail` commands."""
