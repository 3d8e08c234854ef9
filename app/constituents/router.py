from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.deps import ConstituentsReader, ConstituentsWriter
from app.constituents import service
from app.constituents.schemas import ConstituentExport, Erasure
from app.db import SessionDep
from app.fields import Email
from app.settings import SettingsDep

router = APIRouter(prefix="/v1/constituents", tags=["constituents"])

SupporterEmail = Annotated[
    Email,
    Query(
        description="The supporter's email address, compared without regard to case.",
        examples=["amelie@example.org"],
    ),
]


@router.get(
    "/export",
    response_model=ConstituentExport,
)
def export_constituent(
    email: SupporterEmail, principal: ConstituentsReader, session: SessionDep
) -> ConstituentExport:
    """Everything this organisation holds on one supporter (scope `constituents:read`):
    every action they took, with their details and words, and every letter with its
    text, state, dates and delivery attempts; a document to give them as it is."""
    return service.export(session, principal.organisation_id, email)


@router.delete(
    "",
    response_model=Erasure,
)
def erase_constituent(
    settings: SettingsDep, email: SupporterEmail, principal: ConstituentsWriter, session: SessionDep
) -> Erasure:
    """Erase one supporter's personal data in this organisation (scope
    `constituents:write`), in one transaction: their details and words in every action,
    the text of every letter, and error texts; letters not yet sent are cancelled. The
    letters stay, with their state and dates, and every count stays. Erasing again
    answers zeros."""
    return service.erase(session, principal.organisation_id, email, settings)
