"""Citizen accounts: registration, e-mail confirmation, profile, my data, deleting the account."""
