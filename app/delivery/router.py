from datetime import date
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from app.auth.deps import Admin, LettersReader, LettersWriter
from app.db import SessionDep
from app.delivery import dkim, printing
from app.delivery.models import PrintBatch
from app.delivery.pdf import letter_pdf
from app.delivery.schemas import (
    BATCH_EXAMPLE,
    BUILDING_EXAMPLE,
    MAILED_EXAMPLE,
    DkimKeyIn,
    DkimKeyOut,
    PrintBatchOut,
)
from app.errors import BatchNotReady, Gone, LetterNotPrintable
from app.letters.service import get_letter
from app.pagination import PAGE_EXAMPLE, PageOut, Window
from app.responses import NOT_FOUND, conflict, gone, problem
from app.settings import SettingsDep

router = APIRouter(tags=["print"])
dkim_router = APIRouter(prefix="/v1/organisation/dkim", tags=["organisation"])
BINARY = {"type": "string", "format": "binary"}
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {"schema": BINARY}}, "description": "A PDF."},
    **NOT_FOUND,
}
BATCH_NOT_READY = conflict(
    BatchNotReady,
    "the batch is still building, or failed, or is not ready to be mailed "
    "(`batch_status` says where it stands).",
    "This batch is building: it has no files.",
    batch_status="building",
)
LETTER_NOT_PRINTABLE = conflict(
    LetterNotPrintable,
    "the letter was written before letters kept their parts for print.",
    "This letter was written before letters kept their parts for print.",
)
MANIFEST_EXAMPLE = (
    "letter_id,recipient,address,postal_code,start_page,pages,language,postage\r\n"
    "ltr_01JD3ZK8Y2M0000000000000000,The Honourable Marc Miller,"
    "House of Commons; Ottawa ON,K1A 0A6,1,1,fr,no postage required\r\n"
)


PRINT_FOLDER_UNWRITABLE = problem(
    503,
    "upstream-unavailable",
    "A service we depend on did not answer",
    "The print folder cannot be written to; no letter was gathered.",
    "The print folder /var/lib/letterdesk/print cannot be written to (permission denied); "
    "no letter was gathered.",
)


class PrintBatchCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"campaign_id": "cmp_01JD3ZK8Y2M0000000000000000"}]},
    )

    campaign_id: str | None = Field(
        None, max_length=40, description="Only this campaign's letters; all queued otherwise."
    )
    duplex: bool = Field(
        False,
        description="For printing on both sides: each letter padded with a blank page to "
        "an even number of pages, so that every letter starts on the front of a sheet.",
    )


class PrintBatchList(PageOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [BATCH_EXAMPLE]} | PAGE_EXAMPLE]}
    )

    items: list[PrintBatchOut]


def _out(batch: PrintBatch) -> PrintBatchOut:
    return PrintBatchOut.model_validate(batch)


@router.get(
    "/v1/letters/{letter_id}/pdf",
    response_class=Response,
    responses=PDF | LETTER_NOT_PRINTABLE | gone("The supporter's personal data in it was erased."),
    tags=["letters"],
)
def letter_as_pdf(
    settings: SettingsDep, letter_id: str, principal: LettersReader, session: SessionDep
) -> Response:
    """The letter laid out for the post (a #10 window envelope), as it is printed."""
    letter = get_letter(session, principal.organisation_id, letter_id)
    if letter.scrubbed_at is not None:
        raise Gone("The supporter's personal data in this letter was erased: it has no text.")
    if not letter.parts:
        raise LetterNotPrintable(
            "This letter was written before letters kept their parts for print."
        )
    pdf = letter_pdf(dict(letter.parts), page_size=settings.page_size)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{letter.id}.pdf"'},
    )


@router.post(
    "/v1/print-batches",
    status_code=202,
    response_model=PrintBatchOut,
    responses={
        202: {
            "description": "The letters are in the batch; the worker builds its files.",
            "headers": {
                "Location": {
                    "description": "The batch: GET it until it is `ready` (or `failed`).",
                    "schema": {"type": "string"},
                }
            },
            "content": {"application/json": {"example": BUILDING_EXAMPLE}},
        }
    }
    | NOT_FOUND
    | PRINT_FOLDER_UNWRITABLE,
)
def create_print_batch(
    settings: SettingsDep,
    principal: LettersWriter,
    session: SessionDep,
    response: Response,
    body: PrintBatchCreate | None = None,
) -> PrintBatchOut:
    """Gather the queued print letters (of one campaign, or all) into a batch, answered at
    once as `building`. The worker then builds its merged PDF and manifest CSV (streaming:
    a batch of 10,000 letters takes a minute and little memory); GET the batch (its
    `Location`) until it is `ready`, or `failed` with `failure_reason` (its letters are
    then back in the queue). 503 when the print folder cannot be written to."""
    batch = printing.create_print_batch(
        session,
        principal.organisation_id,
        body.campaign_id if body else None,
        settings,
        duplex=body.duplex if body else False,
    )
    response.headers["Location"] = f"/v1/print-batches/{batch.id}"
    return _out(batch)


@router.get("/v1/print-batches", response_model=PrintBatchList)
def list_print_batches(
    principal: LettersReader,
    session: SessionDep,
    window: Window,
) -> PrintBatchList:
    page = printing.list_print_batches(session, principal.organisation_id, window)
    return PrintBatchList.model_validate(page.map(_out), from_attributes=True)


@router.get("/v1/print-batches/{batch_id}", response_model=PrintBatchOut, responses=NOT_FOUND)
def get_print_batch(batch_id: str, principal: LettersReader, session: SessionDep) -> PrintBatchOut:
    return _out(printing.get_print_batch(session, principal.organisation_id, batch_id))


BATCH_FILES_GONE = gone("The batch's files were deleted after the retention period.")


@router.get(
    "/v1/print-batches/{batch_id}/pdf",
    response_class=FileResponse,
    responses=PDF | BATCH_NOT_READY | BATCH_FILES_GONE,
)
def print_batch_pdf(
    settings: SettingsDep, batch_id: str, principal: LettersReader, session: SessionDep
) -> FileResponse:
    pdf, _ = printing.batch_files(session, principal.organisation_id, batch_id, settings)
    return FileResponse(pdf, media_type="application/pdf", filename=f"{batch_id}.pdf")


@router.get(
    "/v1/print-batches/{batch_id}/manifest.csv",
    response_class=FileResponse,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}, "example": MANIFEST_EXAMPLE}},
            "description": "The manifest.",
        }
    }
    | NOT_FOUND
    | BATCH_NOT_READY
    | BATCH_FILES_GONE,
)
def print_batch_manifest(
    settings: SettingsDep, batch_id: str, principal: LettersReader, session: SessionDep
) -> FileResponse:
    """One line per letter: letter_id, recipient, address, postal_code, pages, postage."""
    _, manifest = printing.batch_files(session, principal.organisation_id, batch_id, settings)
    return FileResponse(manifest, media_type="text/csv; charset=utf-8", filename=f"{batch_id}.csv")


class MarkMailed(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"mailed_on": "2026-11-30"}]}
    )

    mailed_on: date | None = Field(
        None,
        description="The day the batch went to the post (today, or a day past); today when "
        "left out. The supporters' letters pages show it, and the reply questionnaire counts "
        "its days from it.",
    )


@router.post(
    "/v1/print-batches/{batch_id}/mark-mailed",
    response_model=PrintBatchOut,
    responses={
        200: {
            "description": "The batch and its letters are mailed.",
            "content": {"application/json": {"example": MAILED_EXAMPLE}},
        }
    }
    | NOT_FOUND
    | BATCH_NOT_READY,
)
def mark_mailed(
    batch_id: str,
    principal: LettersWriter,
    session: SessionDep,
    body: MarkMailed | None = None,
) -> PrintBatchOut:
    """The batch went to the post: its letters move to `mailed` (counted as sent), each
    announced once as `letter.mailed`. Saying it twice is harmless: the second answers
    the batch as it is and announces nothing. 409 for a batch not `ready`."""
    mailed_on = body.mailed_on if body else None
    return _out(printing.mark_mailed(session, principal.organisation_id, batch_id, mailed_on))


@dkim_router.get("", response_model=DkimKeyOut)
def get_dkim_key(principal: Admin, session: SessionDep, settings: SettingsDep) -> DkimKeyOut:
    """The key that signs the organisation's mail (its own, else the installation's) and
    the DNS TXT record to publish for it; never the private key."""
    return dkim.signing_key_of(session, principal.organisation_id, settings)


@dkim_router.put("", response_model=DkimKeyOut)
def set_dkim_key(
    body: DkimKeyIn, principal: Admin, session: SessionDep, settings: SettingsDep
) -> DkimKeyOut:
    """Sign the organisation's mail (letters, copies, confirmations, receipts, notices)
    with its own key from now on. Publish `dns_record` at `dns_name` first: mail signed
    before the record is found fails DKIM. 422 names the field: a domain that does not
    align with the From address's, a selector that is no DNS label, a key that is not an
    unencrypted RSA key of 1024 bits or more."""
    dkim.set_organisation_key(
        session, principal.organisation_id, body.domain, body.selector, body.private_key, settings
    )
    return dkim.signing_key_of(session, principal.organisation_id, settings)


@dkim_router.delete("", status_code=204)
def clear_dkim_key(principal: Admin, session: SessionDep) -> Response:
    """Forget the organisation's own key: the installation's signs its mail again."""
    dkim.clear_organisation_key(session, principal.organisation_id)
    return Response(status_code=204)
