"""Milestone target dates as iCalendar (RFC 5545) files that calendar programs subscribe to."""
