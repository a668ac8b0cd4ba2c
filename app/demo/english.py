"""English texts of the demo town: the strategy, every field of action, the champions' roles and
some milestones with some of their progress updates. The rest stays German, so the English
pages show both a translation and the marked German fallback.
"""
from __future__ import annotations

STRATEGY = {
    "title_en": "Musterstadt digital – the digital strategy of the town of Musterstadt",
    "lead_role_en": "Digitalization unit in the mayor's office",
    "intro_en": """\
In Musterstadt, going digital is not a job for the IT department alone. It changes how we
handle applications, how our children learn, how we talk with you and how we run roads,
networks and buildings. That is why the town council adopted one strategy for the whole
administration – with clear responsibilities in every department.

**How the strategy is built:**

- **Six fields of action** group the projects, from citizen services to the digital skills
  of the staff.
- **Milestones** make the way checkable: each has a date, a responsible department and a
  financing plan.
- **The digitalization unit** in the mayor's office steers the programme and reports to the
  main committee twice a year.
- **Digital champions** from all areas drive single projects and help their colleagues.

On this site we report openly on where we stand: what is done, what is late and why.
Postponed dates stay visible with their reason. Your questions and hints help us set the
right priorities – feel free to comment on the milestones.
""",
}

FIELDS = {
    "buergerservice-online": {
        "name_en": "Citizen services online",
        "description_en": "Dealing with the town hall from home: applications, appointments and "
        "payment online, from the first click to the decision. Personal service at the citizens' "
        "office stays for everyone who needs it.",
    },
    "digitale-schule": {
        "name_en": "Digital school",
        "description_en": "Fast networks, up-to-date equipment and reliable support for all 14 "
        "schools run by the town, so that digital learning works every day.",
    },
    "moderne-verwaltung": {
        "name_en": "Modern administration",
        "description_en": "Paperless work in the town hall: electronic files, digital invoices and "
        "secure IT. This saves trips and time and makes decisions traceable.",
    },
    "smarte-infrastruktur": {
        "name_en": "Smart infrastructure",
        "description_en": "Fibre, public Wi-Fi and sensors help to manage traffic, energy and the "
        "environment in the town better.",
    },
    "offene-daten-beteiligung": {
        "name_en": "Open data & participation",
        "description_en": "Making the town's data freely available and involving citizens online "
        "in plans and decisions.",
    },
    "digitale-kompetenzen": {
        "name_en": "Digital skills",
        "description_en": "Helping the town's staff and the people of Musterstadt to use digital "
        "services, so that nobody is left behind.",
    },
}

CHAMPIONS = {
    "albers": {"role_en": "Head of the digitalization unit"},
    "yildiz": {"role_en": "Team leader at the citizens' office",
               "quote_en": "With every new online service I ask: would my mother manage it? "
               "If not, we are not done yet."},
    "vogt": {"role_en": "Head teacher of the Lindenschule and speaker of the school heads"},
}

MILESTONES = {
    "online-terminvergabe": {
        "title_en": "Online appointments for the citizens' office",
        "summary_en": "Appointments at the citizens' office can be booked, moved and cancelled "
        "online at any time – without waiting on the phone.",
        "description_en": """\
Appointments for an ID card, a passport or registering a move used to be made only by phone
or at the counter. On Mondays the line was often busy for hours.

**What is done:**

- Booking, moving and cancelling at any time on the website
- A reminder by e-mail the day before
- A list of the documents to bring to the appointment
- Appointments by phone for everyone who does not want to use the internet

The advisory board for people with disabilities tested the booking page before the launch.
""",
        "contact_role_en": "Head of the citizens' office",
    },
    "verwaltungsleistungen-online": {
        "title_en": "The 30 most used administrative services fully online",
        # no English summary or description: the English page shows the German ones, marked
    },
    "wlan-in-allen-schulen": {
        "title_en": "Wi-Fi in all schools",
    },
}

# (milestone slug, day of the update) -> English texts of that progress update.
UPDATES = {
    ("online-terminvergabe", -700): {
        "title_en": "Contract for the appointment software awarded",
        "body_en": "After a tender with four offers the town awarded the contract. "
        "**ID card and passport applications** come first, because most calls are about them.",
    },
    ("online-terminvergabe", -455): {
        "title_en": "All services can be booked online",
        "body_en": "All 24 services of the citizens' office now have online appointments. "
        "The milestone is reached earlier than planned.",
    },
}
