"""Reporting inside and outside: the state of the strategy at a past date and the status reports.

recording.py  records the changes the state at a date needs beyond the public history
state.py      rebuilds every milestone as it stood on a day from today's rows and the history
reports.py    issues, freezes, publishes and serves status reports (Sachstandsberichte)
"""
