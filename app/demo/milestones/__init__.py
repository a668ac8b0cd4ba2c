"""The demo milestones, one module per field of action, in display order."""
from app.demo.milestones import (
    beteiligung,
    buergerservice,
    infrastruktur,
    kompetenzen,
    schule,
    verwaltung,
)

MILESTONES = [
    *buergerservice.MILESTONES,
    *schule.MILESTONES,
    *verwaltung.MILESTONES,
    *infrastruktur.MILESTONES,
    *beteiligung.MILESTONES,
    *kompetenzen.MILESTONES,
]
