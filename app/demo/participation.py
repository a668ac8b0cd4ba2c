"""Citizens' participation in the Musterstadt demo: comments, answers, support, ratings, flags.

So that a visitor of the demo sees what the portal does with participation: threads with
replies and answers of the administration, comments still waiting for an answer, one waiting
for the moderators and one reported comment in the moderation queue. The demo citizens have
no password (nobody can sign in as them); the demo citizen printed by `flask seed-demo` can.

Counters are set with the functions the app uses (app/comments/counters.py), so they
equal the rows as they do in real use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import (
    AnswerStatus,
    Comment,
    CommentRating,
    CommentStatus,
    Flag,
    FlagReason,
    Milestone,
    Role,
    SupportVote,
    User,
    utcnow,
)
from app.comments import counters
from app.sanitize import plain_text_to_html

# key -> display name; addresses are @example.org (reserved, never delivered).
CITIZENS = {
    "anna": "Anna K.",
    "bernd": "Bernd aus Nordstadt",
    "cem": "Cem Yılmaz",
    "doris": "Doris Meier",
    "elias": "Elias",
    "frieda": "Frieda S.",
    "gregor": "Gregor W.",
    "hanna": "Hanna L.",
    "ines": "Ines (Elternbeirat)",
    "jonas": "Jonas T.",
}


@dataclass(frozen=True)
class Post:
    author: str            # a key of CITIZENS, "citizen" (the demo citizen) or "editor" (official answer)
    days_ago: float
    body: str
    helpful: tuple[str, ...] = ()
    unhelpful: tuple[str, ...] = ()


@dataclass(frozen=True)
class Thread:
    milestone: str
    question: Post
    replies: tuple[Post, ...] = ()
    no_answer_needed: bool = False
    pending: bool = False                        # waiting for the moderators
    flags: tuple[tuple[str, str], ...] = ()      # (citizen key, FlagReason value)


THREADS = (
    Thread(
        "online-terminvergabe",
        Post("anna", 40, "Funktioniert super! Ich habe gestern Abend um 22 Uhr einen Termin für "
                         "meinen Reisepass gebucht und war heute Morgen nach zehn Minuten wieder draußen.",
             helpful=("bernd", "cem", "doris", "frieda")),
        replies=(Post("bernd", 38, "Kann ich bestätigen. Schön wäre noch eine Erinnerung per SMS "
                                   "am Vortag."),
                 Post("editor", 36, "Vielen Dank für die Rückmeldungen! Eine Erinnerung per E-Mail "
                                    "verschickt das System bereits; eine SMS-Erinnerung prüfen wir "
                                    "gerade mit dem Anbieter. Wir berichten hier, sobald es dazu "
                                    "eine Entscheidung gibt.", helpful=("anna", "bernd"))),
        no_answer_needed=False,
    ),
    Thread(
        "online-terminvergabe",
        Post("gregor", 12, "Für ältere Menschen ohne Internet ist das schwierig. Bleibt die "
                           "telefonische Terminvergabe erhalten?", helpful=("doris", "hanna", "jonas")),
        replies=(Post("editor", 11, "Ja. Die Servicenummer 115 und das Telefon des Bürgerbüros "
                                    "vergeben weiterhin Termine, zu denselben Zeiten wie bisher. "
                                    "Außerdem helfen die Digitallotsinnen in den Bürgerhäusern "
                                    "beim Buchen.", helpful=("gregor", "doris")),),
    ),
    Thread(
        "verwaltungsleistungen-online",
        Post("cem", 25, "Welche 30 Leistungen sind das genau? Gibt es irgendwo eine Liste mit "
                        "dem jeweiligen Stand?", helpful=("anna", "elias")),
    ),
    Thread(
        "verwaltungsleistungen-online",
        Post("frieda", 6, "Die Ummeldung nach dem Umzug ging online problemlos, aber die "
                          "Bestätigung kam erst nach einer Woche per Post. Geht das nicht auch "
                          "digital?"),
    ),
    Thread(
        "wlan-in-allen-schulen",
        Post("ines", 30, "Im Gymnasium Am Park ist das WLAN in den oberen Stockwerken kaum "
                         "nutzbar. Ist dort noch eine Nachbesserung geplant?",
             helpful=("hanna", "jonas", "elias")),
        replies=(Post("hanna", 29, "Dasselbe gilt für die Turnhalle der Gesamtschule."),),
    ),
    Thread(
        "glasfaser-ortsteile",
        Post("bernd", 18, "Wann ist Nordstadt-Heide dran? Im Ausbauplan steht nur „2. Bauabschnitt“.",
             helpful=("gregor", "elias", "anna")),
        replies=(Post("elias", 17, "Das würde mich auch interessieren, wir warten seit Jahren."),),
    ),
    Thread(
        "open-data-portal",
        Post("jonas", 9, "Toll, dass die Haushaltsdaten jetzt als CSV da sind. Könnten auch die "
                         "Baumkataster-Daten mit Koordinaten veröffentlicht werden?"),
        no_answer_needed=True,
    ),
    Thread(
        "papierlose-gremienarbeit",
        Post("doris", 3, "Werden die Sitzungsunterlagen dann auch für uns Bürgerinnen und Bürger "
                         "online einsehbar sein, oder nur für die Ratsmitglieder?"),
        pending=True,
    ),
    Thread(
        "parkleitsystem-innenstadt",
        Post("elias", 4, "Geldverschwendung!!! Kauft lieber neue Busse, statt Schilder aufzustellen. "
                         "Wer so etwas plant, war noch nie in der Innenstadt."),
        replies=(Post("anna", 4, "Die Anzeigen sollen doch gerade den Suchverkehr verringern, "
                                 "davon profitieren auch die Busse."),),
        flags=(("frieda", FlagReason.INSULT.value),),
    ),
)

# milestone slug -> keys of the citizens who support it
SUPPORT = {
    "online-terminvergabe": ("anna", "bernd", "cem", "doris", "gregor", "hanna"),
    "verwaltungsleistungen-online": ("anna", "cem", "frieda", "jonas"),
    "wlan-in-allen-schulen": ("ines", "hanna", "jonas", "elias", "cem"),
    "glasfaser-ortsteile": ("bernd", "elias", "gregor", "anna", "frieda", "doris", "ines"),
    "open-data-portal": ("jonas", "cem"),
    "digital-sprechstunden-senioren": ("gregor", "doris", "hanna"),
}


@dataclass
class Summary:
    comments: int = 0
    supports: int = 0
    touched: set[int] = field(default_factory=set)


def load(accounts: dict[str, User]) -> Summary:
    """Add the demo participation. `accounts`: the demo "editor" and "citizen" accounts."""
    now = utcnow().replace(microsecond=0)
    people = {**_citizens(), **accounts}
    milestones = {m.slug: m for m in db.session.scalars(select(Milestone))}
    summary = Summary()
    for thread in THREADS:
        milestone = milestones[thread.milestone]
        question = _comment(milestone, people, thread.question, now)
        if thread.pending:
            question.status = CommentStatus.PENDING.value
            question.published_at = None
        if thread.no_answer_needed:
            question.answer_status = AnswerStatus.NOT_NEEDED.value
        for post in thread.replies:
            reply = _comment(milestone, people, post, now, parent=question)
            if reply.is_official:
                question.answer_status = AnswerStatus.ANSWERED.value
                question.answered_at = reply.created_at
        db.session.flush()
        for key, reason in thread.flags:
            db.session.add(Flag(comment_id=question.id, user_id=people[key].id, reason=reason,
                                created_at=now - timedelta(days=thread.question.days_ago / 2)))
            counters.add_flag(question.id)
        summary.comments += 1 + len(thread.replies)
        summary.touched.add(milestone.id)
    for slug, keys in SUPPORT.items():
        for key in keys:
            db.session.add(SupportVote(milestone_id=milestones[slug].id, user_id=people[key].id))
        db.session.flush()
        counters.add_support(milestones[slug].id, len(keys))
        summary.supports += len(keys)
    for milestone_id in summary.touched:
        counters.recount_comments(milestone_id)
    db.session.flush()
    return summary


def _citizens() -> dict[str, User]:
    """The demo citizens, created once (a second load finds them)."""
    people = {}
    for key, name in CITIZENS.items():
        email = f"{key}.demo@example.org"
        user = db.session.scalar(User.select_by_email(email))
        if user is None:
            user = User(email=email, display_name=name, password_hash=None,
                        email_confirmed_at=utcnow(), notify_replies=False, notify_answers=False,
                        notify_moderation=False)
            user.set_roles({Role.CITIZEN})
            db.session.add(user)
        people[key] = user
    db.session.flush()
    return people


def _comment(milestone: Milestone, people: dict[str, User], post: Post, now: datetime,
             parent: Comment | None = None) -> Comment:
    author = people[post.author]
    official = post.author == "editor"
    moment = now - timedelta(days=post.days_ago)
    comment = Comment(
        milestone_id=milestone.id,
        parent=parent,
        author_id=author.id,
        body=post.body,
        body_html=plain_text_to_html(post.body),
        status=CommentStatus.PUBLISHED.value,
        is_official=official,
        department_id=milestone.department_id if official else None,
        answer_status=AnswerStatus.OPEN.value if parent is None else None,
        created_at=moment,
        published_at=moment,
    )
    db.session.add(comment)
    db.session.flush()
    for keys, helpful in ((post.helpful, True), (post.unhelpful, False)):
        for key in keys:
            db.session.add(CommentRating(comment_id=comment.id, user_id=people[key].id, helpful=helpful))
        if keys:
            counters.add_ratings(comment.id, helpful=len(keys) if helpful else 0,
                                 unhelpful=0 if helpful else len(keys))
    return comment
