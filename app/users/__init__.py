"""Accounts: creating them and setting their passwords."""
