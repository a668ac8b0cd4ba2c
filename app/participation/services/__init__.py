"""Participation rules, one module per section: comments, guests, votes (and ratings), flags, text.

Every function takes the acting user and plain data, checks who may do what with the
predicates of app.comments.permissions (the ones the buttons ask) and changes the database
with a flush: the view commits once, and mails wait for that commit (app.deferred.after_commit). Status changes, the moderation log and what follows a publication are
app.comments.lifecycle's and app.comments.publication's. A refusal raises an
app.comments.errors.ParticipationError (its str() is the message for the person) or
PermissionDenied (a 403).
"""
