"""Citizen participation: comments, official answers, support votes, ratings, flags."""
