"""Loading the Musterstadt demo into the database, and removing strategy content again.

Functions add to the session; the caller commits. Dates are computed from app.progress.today()
so the demo looks current whenever it is loaded.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import delete, exists, or_, select, update

from app.auth.services import find_user_by_email
from app.backend.history import canonical
from app.demo import data, english, pages, participation
from app.demo.milestones import MILESTONES
from app.demo.spec import MilestoneSpec, Replan, Update
from app.extensions import db
from app.models import (
    Champion,
    ChangeKind,
    ContentPage,
    Department,
    Field,
    FundingSource,
    Milestone,
    MilestoneChange,
    MilestoneFunding,
    MilestoneSlug,
    ProgressUpdate,
    Strategy,
    StrategyBudgetYear,
    milestone_champion,
    milestone_department,
)
from app.pages.services import save_content_page
from app.progress import MilestoneStatus, today
from app.sanitize import markdown_to_html
from app.users import services as users

# Time of day (UTC) given to demo timestamps, so lists sort like real office hours.
OFFICE_HOURS = time(9, 30)


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    password: str | None  # None: the account existed already and was left as it was


@dataclass(frozen=True)
class Summary:
    fields: int
    departments: int
    milestones: int
    updates: int
    pages: int


def has_content() -> bool:
    """Whether a strategy or anything that belongs to one is stored."""
    tables = (Strategy, Field, Department, Milestone, FundingSource, Champion)
    return bool(db.session.scalar(select(or_(*(exists().select_from(t) for t in tables)))))


def delete_content() -> None:
    """Delete the strategy and everything in it; accounts and text pages stay.

    Comments, votes and subscriptions go with their milestones and fields (ON DELETE CASCADE).
    Objects loaded before are detached from the session: their rows are gone, and new rows
    may reuse their ids.
    """
    for statement in (
        delete(MilestoneChange),
        delete(ProgressUpdate),
        delete(MilestoneFunding),
        delete(MilestoneSlug),
        milestone_champion.delete(),
        milestone_department.delete(),
        # Parents point at children's rows with ON DELETE RESTRICT; cut the links first.
        update(Milestone).values(parent_id=None),
        delete(Milestone),
        delete(FundingSource),
        delete(Champion),
        delete(Field),
        delete(StrategyBudgetYear),
        delete(Strategy),
        delete(Department),
    ):
        db.session.execute(statement, execution_options={"synchronize_session": False})
    db.session.expunge_all()


def load(on: date | None = None) -> Summary:
    """Add the whole demo strategy; the database must not hold strategy content yet."""
    on = on or today()
    decision_on = date(on.year + data.STRATEGY["period_from"] - 1,
                       *data.STRATEGY["council_decision_month_day"])
    _add_strategy(on, decision_on)
    fields = _add_all(Field, [
        dict(slug=f["slug"], name=f["name"], description=f["description"], position=i,
             **english.FIELDS.get(f["slug"], {}))
        for i, f in enumerate(data.FIELDS, start=1)
    ])
    departments = _add_all(Department, data.DEPARTMENTS)
    champions = {
        key: Champion(name=c["name"], role=c["role"], quote=c["quote"],
                      department=departments[c["department"]], **english.CHAMPIONS.get(key, {}))
        for key, c in data.CHAMPIONS.items()
    }
    sources = {key: FundingSource(**s) for key, s in data.FUNDING_SOURCES.items()}
    db.session.add_all([*champions.values(), *sources.values()])

    refs = _Refs(on, decision_on, fields, departments, champions, sources)
    milestones: dict[str, Milestone] = {}
    updates = 0
    for spec in MILESTONES:
        milestone, count = _build_milestone(spec, refs, milestones)
        milestones[spec.slug] = milestone
        updates += count
    db.session.add_all(milestones.values())
    saved_pages = _add_missing_pages()
    db.session.flush()
    return Summary(len(fields), len(departments), len(milestones), updates, saved_pages)


def create_accounts(admin_email: str) -> list[DemoAccount]:
    """The demo administrator, editor and moderator, each with a new random password.

    An address that already has an account is left alone except that it is linked to the
    demo departments again (deleting the content cut those links).
    """
    accounts = []
    for spec in data.DEMO_ACCOUNTS:
        email = users.checked_email(spec["email"] or admin_email)
        existing = find_user_by_email(email)
        if existing is not None:
            users.add_departments(existing, spec["departments"])
            accounts.append(DemoAccount(spec["key"], email, None))
            continue
        password = secrets.token_urlsafe(18)
        users.create_user(email, spec["display_name"], spec["roles"], password,
                          spec["departments"], confirmed=True)
        accounts.append(DemoAccount(spec["key"], email, password))
    return accounts


def load_participation(accounts: list[DemoAccount]) -> participation.Summary:
    """Comments, answers, support, ratings and flags of the demo (after create_accounts)."""
    users_by_key = {account.key: find_user_by_email(account.email) for account in accounts}
    return participation.load({"editor": users_by_key["editor"], "citizen": users_by_key["citizen"]})


def _add_all(model, rows: list[dict]) -> dict:
    objects = {row["slug"]: model(**row) for row in rows}
    db.session.add_all(objects.values())
    return objects


def _add_strategy(on: date, decision_on: date) -> None:
    s = data.STRATEGY
    strategy = Strategy(
        title=s["title"],
        intro=s["intro"],
        intro_html=markdown_to_html(s["intro"], top_level=2),
        title_en=english.STRATEGY["title_en"],
        intro_en=english.STRATEGY["intro_en"],
        lead_role_en=english.STRATEGY["lead_role_en"],
        intro_en_html=markdown_to_html(english.STRATEGY["intro_en"], top_level=2),
        period_from=on.year + s["period_from"],
        period_to=on.year + s["period_to"],
        council_decision_on=decision_on,
        council_decision_reference=s["council_decision_reference"].format(year=decision_on.year),
        council_decision_url=s["council_decision_url"].format(year=decision_on.year),
        document_url=s["document_url"],
        lead_role=s["lead_role"],
        budget_years=[
            StrategyBudgetYear(year=on.year + offset, amount=Decimal(amount))
            for offset, amount in data.BUDGET_YEARS.items()
        ],
    )
    db.session.add(strategy)


def _add_missing_pages() -> int:
    """Demo text pages where the operator has not written one; returns how many were saved."""
    stored = set(db.session.scalars(select(ContentPage.slug)))
    missing = [slug for slug in pages.PAGES if slug not in stored]
    for slug in missing:
        save_content_page(slug, **pages.PAGES[slug])
    return len(missing)


@dataclass
class _Refs:
    on: date
    decision_on: date
    fields: dict[str, Field]
    departments: dict[str, Department]
    champions: dict[str, Champion]
    sources: dict[str, FundingSource]

    def day(self, offset: int | None) -> date | None:
        return None if offset is None else self.on + timedelta(days=offset)

    def moment(self, offset: int) -> datetime:
        return datetime.combine(self.day(offset), OFFICE_HOURS)


def _build_milestone(
    spec: MilestoneSpec, refs: _Refs, built: dict[str, Milestone]
) -> tuple[Milestone, int]:
    """The milestone with its history replayed; returns it and its number of progress updates."""
    history = sorted(spec.history, key=lambda event: event.day)
    if spec.spent != "0" and any(isinstance(e, Update) and e.spent for e in history):
        raise ValueError(f"{spec.slug}: spent is given both in the spec and in the history")
    if spec.committed != "0" and any(isinstance(e, Update) and e.committed for e in history):
        raise ValueError(f"{spec.slug}: committed is given both in the spec and in the history")

    first_day = min([spec.start or 0, *(e.day for e in history)])
    created_on = min(max(refs.decision_on, refs.day(first_day - 30)), refs.on)
    created_at = datetime.combine(created_on, OFFICE_HOURS)
    milestone = Milestone(
        slug=spec.slug,
        title=spec.title,
        summary=spec.summary,
        description=spec.description,
        description_html=markdown_to_html(spec.description),
        easy_summary=spec.easy_summary,
        field=refs.fields[spec.field],
        parent=built[spec.parent] if spec.parent else None,
        weight=spec.weight,
        status=MilestoneStatus.PLANNED.value,
        progress=0,
        progress_method=spec.progress_method,
        start_date=refs.day(spec.start),
        original_target_date=refs.day(spec.target),
        target_date=refs.day(spec.target),
        department=refs.departments[spec.department],
        participating_departments=[refs.departments[d] for d in spec.participating],
        champions=[refs.champions[c] for c in spec.champions],
        contact_role=spec.contact_role,
        fundings=[
            MilestoneFunding(source=refs.sources[key], amount=Decimal(amount))
            for key, amount in spec.funding.items()
        ],
        planned=sum((Decimal(a) for a in spec.funding.values()), Decimal("0")),
        committed=Decimal(spec.committed),
        spent=Decimal(spec.spent),
        budget_year=None if spec.budget_year is None else refs.on.year + spec.budget_year,
        published=spec.published,
        created_at=created_at,
        updated_at=created_at,
    )
    _add_english(milestone, english.MILESTONES.get(spec.slug, {}), "description")
    updates = 0
    for event in history:
        _replay(milestone, event, refs)
        milestone.updated_at = refs.moment(event.day)
        updates += isinstance(event, Update)
    return milestone, updates


def _add_english(obj: Milestone | ProgressUpdate, texts: dict[str, str], markdown: str,
                 top_level: int = 3) -> None:
    """Set the English texts given, with the sanitized HTML of the Markdown one."""
    for name, value in texts.items():
        setattr(obj, name, value)
    if texts.get(f"{markdown}_en"):
        setattr(obj, f"{markdown}_en_html", markdown_to_html(texts[f"{markdown}_en"], top_level=top_level))


def _replay(milestone: Milestone, event: Update | Replan, refs: _Refs) -> None:
    """Apply one history event to the milestone and record what it changed."""
    on = refs.day(event.day)
    moment = refs.moment(event.day)
    report = None
    if isinstance(event, Update):
        report = ProgressUpdate(
            milestone=milestone,
            reported_on=on,
            title=event.title,
            body=event.body,
            body_html=markdown_to_html(event.body, top_level=4),
            author_role=event.author_role,
            published=True,
            published_at=moment,
            edited_at=(None if event.edited_after_days is None
                       else moment + timedelta(days=event.edited_after_days)),
            created_at=moment,
        )
        _add_english(report, english.UPDATES.get((milestone.slug, event.day), {}), "body", top_level=4)
        db.session.add(report)
        new_values = _new_values(event, refs)
    else:
        new_values = {ChangeKind.TARGET_DATE: refs.day(event.target)}
    if new_values.get(ChangeKind.STATUS) == MilestoneStatus.COMPLETED:
        new_values[ChangeKind.PROGRESS] = 100
        milestone.completed_on = on

    for kind, new in new_values.items():
        attribute = _ATTRIBUTES[kind]
        old = getattr(milestone, attribute)
        if old == new:
            continue
        setattr(milestone, attribute, new)
        db.session.add(MilestoneChange(
            milestone=milestone,
            progress_update=report,
            changed_on=on,
            kind=kind.value,
            old_value=canonical(old),
            new_value=canonical(new),
            reason=event.reason,
            author_role=event.author_role,
            created_at=moment,
        ))


_ATTRIBUTES = {
    ChangeKind.STATUS: "status",
    ChangeKind.PROGRESS: "progress",
    ChangeKind.TARGET_DATE: "target_date",
    ChangeKind.COMMITTED: "committed",
    ChangeKind.SPENT: "spent",
}


def _new_values(event: Update, refs: _Refs) -> dict[ChangeKind, object]:
    values = {
        ChangeKind.STATUS: event.status,
        ChangeKind.PROGRESS: event.progress,
        ChangeKind.TARGET_DATE: refs.day(event.target),
        ChangeKind.COMMITTED: None if event.committed is None else Decimal(event.committed),
        ChangeKind.SPENT: None if event.spent is None else Decimal(event.spent),
    }
    return {kind: value for kind, value in values.items() if value is not None}
