"""Reminders: planning (outbox rows), SMTP delivery, in-app notices, preferences.

Plain functions over a SQLAlchemy session, a `ReminderSettings` and dates; no Flask imports.
See docs/reminders.md for the cadence, the catch-up rule and the delivery protocol.
"""
