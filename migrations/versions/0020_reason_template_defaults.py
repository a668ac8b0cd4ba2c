"""Default reason templates: the reasons moderators need most, in German and English

Revision ID: 0020
Revises: 0019

A new installation starts with sensible reason templates ("Begründungsvorlagen") that the
moderators then edit. An installation that already made its own keeps them untouched: the
defaults go in only while the table is empty. The downgrade removes the defaults that nobody
changed. The titles are frozen here on purpose (a migration must not follow later code).
"""
from alembic import op
import sqlalchemy as sa


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

reason_template = sa.table(
    "reason_template",
    sa.column("id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("text_de", sa.Text),
    sa.column("text_en", sa.Text),
    sa.column("position", sa.Integer),
)

DEFAULTS = [
    ("Beleidigung oder Herabsetzung",
     "Ihr Kommentar greift Personen an oder setzt sie herab. Kritik an der Sache ist willkommen, persönliche "
     "Angriffe nicht. Bitte schreiben Sie Ihren Beitrag sachlich neu.",
     "Your comment attacks or belittles people. Criticism of the matter is welcome, personal attacks are not. "
     "Please write your comment again in a factual tone."),
    ("Personenbezogene Daten",
     "Ihr Kommentar enthält Angaben, an denen andere Personen erkannt werden können, zum Beispiel Namen, "
     "Anschriften oder Telefonnummern. Zum Schutz dieser Personen veröffentlichen wir solche Angaben nicht.",
     "Your comment contains details by which other people can be identified, such as names, addresses or "
     "telephone numbers. To protect these people, we do not publish such details."),
    ("Werbung",
     "Ihr Kommentar wirbt für Waren, Dienste oder Angebote. Werbung ist in den Kommentaren nicht erlaubt.",
     "Your comment advertises goods, services or offers. Advertising is not allowed in the comments."),
    ("Kein Bezug zum Etappenziel",
     "Ihr Kommentar hat keinen erkennbaren Bezug zu diesem Etappenziel. Für andere Anliegen nutzen Sie bitte "
     "das Kontaktformular der Verwaltung.",
     "Your comment has no recognisable connection to this milestone. For other matters, please use the "
     "administration's contact form."),
    ("Doppelter Beitrag",
     "Ihr Kommentar wiederholt einen Beitrag, der in diesem Gespräch bereits steht.",
     "Your comment repeats a contribution that is already in this conversation."),
    ("Rechtswidriger Inhalt",
     "Ihr Kommentar enthält Inhalte, die gegen Gesetze verstoßen, zum Beispiel Volksverhetzung, Drohungen oder "
     "Aufrufe zu Straftaten.",
     "Your comment contains content that breaks the law, for example incitement to hatred, threats or calls "
     "to commit crimes."),
]


def upgrade():
    bind = op.get_bind()
    if bind.scalar(sa.select(sa.func.count()).select_from(reason_template)):
        return
    op.bulk_insert(reason_template, [
        {"title": title, "text_de": text_de, "text_en": text_en, "position": (index + 1) * 10}
        for index, (title, text_de, text_en) in enumerate(DEFAULTS)
    ])


def downgrade():
    for title, text_de, text_en in DEFAULTS:
        op.execute(reason_template.delete().where(
            reason_template.c.title == title, reason_template.c.text_de == text_de,
            reason_template.c.text_en == text_en))
