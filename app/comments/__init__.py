"""The comment lifecycle: who may take part, status transitions, the moderation log, publication.

Participation, moderation and citizens call this package; none of them writes a comment's
status or a moderation-log row itself. It imports only plumbing (models, settings, audit,
mail) and app.auth's predicates.
"""
