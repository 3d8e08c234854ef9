from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from app.auth.deps import DirectoryReader, DirectoryWriter
from app.db import SessionDep
from app.directory import importer, postal_table, service, sync
from app.directory.deps import DistrictProviderDep
from app.directory.files import read_upload
from app.directory.schemas import (
    DirectoryStatus,
    DistrictChoices,
    DistrictLookup,
    ImportResult,
    PostalCodeImportResult,
    RecipientCreate,
    RecipientList,
    RecipientOut,
    RecipientUpdate,
    SyncReport,
    SyncRequest,
    recipient_out,
)
from app.errors import ConcurrentChange, SyncStopped
from app.fields import OptionalProvince, OptionalSingleLine, PostalCode
from app.pagination import ChangingWindow
from app.responses import CONCURRENT_CHANGE, NOT_FOUND, UPSTREAM, problem
from app.settings import SettingsDep

router = APIRouter(tags=["directory"])


def _file_body(csv_example: str, json_example: Any) -> dict[str, Any]:
    """An import's body, read by the handler itself (files.read_upload): CSV, JSON (a
    list of rows, or an object holding one), or either as the `file` of a multipart
    upload."""
    row = {"type": "object", "additionalProperties": True}
    json_schema = {"anyOf": [{"type": "array", "items": row}, row]}
    upload_schema = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {
                "type": "string",
                "format": "binary",
                "description": "The CSV or JSON file (by its media type, or a .csv or .json name).",
            }
        },
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}, "example": csv_example},
                "application/json": {"schema": json_schema, "example": json_example},
                "multipart/form-data": {
                    "schema": upload_schema,
                    "example": {"file": csv_example},
                    "encoding": {"file": {"contentType": "text/csv, application/json"}},
                },
            },
        }
    }


RECIPIENTS_FILE = _file_body(
    "external_id,first_name,last_name,elected_office,district_name,province,email\n"
    "88384,Mélanie,Joly,MP,Ahuntsic-Cartierville,QC,melanie.joly@parl.gc.ca\n",
    [
        {
            "external_id": "88384",
            "first_name": "Mélanie",
            "last_name": "Joly",
            "elected_office": "MP",
        }
    ],
)
POSTAL_CODES_FILE = _file_body(
    "postal_code,district_name,province\nT5A,Edmonton Manning,AB\nK1A 0A6,Ottawa Centre,ON\n",
    {"entries": [{"postal_code": "T5A", "district_name": "Edmonton Manning", "province": "AB"}]},
)


@router.post(
    "/v1/recipients", status_code=201, response_model=RecipientOut, responses=CONCURRENT_CHANGE
)
def create_recipient(
    body: RecipientCreate, principal: DirectoryWriter, session: SessionDep, response: Response
) -> RecipientOut:
    recipient = service.create_recipient(session, principal.organisation_id, body)
    response.headers["Location"] = f"/v1/recipients/{recipient.id}"
    return recipient_out(recipient)


@router.get("/v1/recipients", response_model=RecipientList)
def list_recipients(
    principal: DirectoryReader,
    session: SessionDep,
    window: ChangingWindow,
    q: Annotated[OptionalSingleLine, Query(description="Words of the name.")] = None,
    district: Annotated[OptionalSingleLine, Query(description="District name or code.")] = None,
    province: Annotated[OptionalProvince, Query()] = None,
    party: Annotated[OptionalSingleLine, Query()] = None,
    office: Annotated[
        OptionalSingleLine, Query(description="Elected office: MP, Senator...")
    ] = None,
    role: Annotated[
        OptionalSingleLine,
        Query(description="Holders of this role (English or French title)."),
    ] = None,
    role_on: Annotated[
        date | None, Query(description="The date the role is held on; today by default.")
    ] = None,
    include_retired: bool = False,
) -> RecipientList:
    filters = service.RecipientFilters(
        q=q,
        district=district,
        province=province,
        party=party,
        elected_office=office,
        role=role,
        role_on=role_on,
        include_retired=include_retired,
    )
    page = service.list_recipients(session, principal.organisation_id, filters, window)
    return RecipientList.model_validate(page.map(recipient_out), from_attributes=True)


@router.get("/v1/recipients/{recipient_id}", response_model=RecipientOut, responses=NOT_FOUND)
def get_recipient(
    recipient_id: str, principal: DirectoryReader, session: SessionDep
) -> RecipientOut:
    return recipient_out(service.get_recipient(session, principal.organisation_id, recipient_id))


@router.patch(
    "/v1/recipients/{recipient_id}",
    response_model=RecipientOut,
    responses=NOT_FOUND | CONCURRENT_CHANGE,
)
def update_recipient(
    recipient_id: str, body: RecipientUpdate, principal: DirectoryWriter, session: SessionDep
) -> RecipientOut:
    return recipient_out(
        service.update_recipient(session, principal.organisation_id, recipient_id, body)
    )


@router.delete("/v1/recipients/{recipient_id}", status_code=204, responses=NOT_FOUND)
def delete_recipient(
    recipient_id: str, principal: DirectoryWriter, session: SessionDep
) -> Response:
    service.delete_recipient(session, principal.organisation_id, recipient_id)
    return Response(status_code=204)


@router.post(
    "/v1/recipients/import",
    response_model=ImportResult,
    responses=CONCURRENT_CHANGE,
    openapi_extra=RECIPIENTS_FILE,
)
async def import_recipients(
    request: Request,
    settings: SettingsDep,
    principal: DirectoryWriter,
    session: SessionDep,
    dry_run: Annotated[
        bool, Query(description="Answer what would change; change nothing.")
    ] = False,
    complete: Annotated[
        bool,
        Query(description="This file is the whole set: recipients absent from it are retired."),
    ] = False,
) -> ImportResult:
    """Upsert recipients by `external_id` from CSV or JSON (ours, or Represent's
    `{"objects": [...]}`). One bad row rejects the whole import."""
    body, content_type = await read_upload(request)
    max_rows = settings.max_import_rows

    def run() -> ImportResult:
        with importer.collector_paused():
            records = importer.recipient_records(body, content_type, max_rows)
            return importer.import_recipients(
                session,
                principal.organisation_id,
                importer.validate_records(records),
                dry_run=dry_run,
                complete=complete,
            )

    return await run_in_threadpool(run)


@router.get("/v1/directory/status", response_model=DirectoryStatus)
def directory_status(principal: DirectoryReader, session: SessionDep) -> DirectoryStatus:
    """Per source the directory is synced from: when it was last synced, how many
    recipients it holds, and how old its newest fact is (and the problems it reported)."""
    return sync.directory_status(session, principal.organisation_id, date.today())


SYNC_STOPPED = problem(
    409,
    SyncStopped.slug,
    SyncStopped.title,
    "`/problems/sync-stopped`: the sync would retire more than the allowed share of the "
    "source's recipients (`report` holds the diff; `force` applies it). "
    f"`/problems/{ConcurrentChange.slug}`: another import ran at once. Nothing was changed.",
    "The sync would retire 170 of 343 recipients (50%), more than the 20% allowed.",
)


@router.post(
    "/v1/directory/sync",
    response_model=SyncReport,
    responses=SYNC_STOPPED | UPSTREAM,
)
def sync_directory(
    body: SyncRequest, principal: DirectoryWriter, session: SessionDep, request: Request
) -> SyncReport:
    """Bring the directory in step with a public source: its diff (created, updated,
    retired, roles started and ended) is planned first, then applied as one change,
    recorded and announced to webhooks as `directory.synced`. Fields edited by hand
    (`locked_fields`) are kept."""
    report = sync.sync_from_source(
        session,
        request.app.state.settings,
        principal.organisation_id,
        body.source,
        requested_by=f"api key {principal.key_id}",
        dry_run=body.dry_run,
        force=body.force,
    )
    if report.stopped and not report.dry_run:
        raise SyncStopped(report.stopped, report=report.model_dump(mode="json"))
    return report


@router.get("/v1/districts/search", response_model=DistrictChoices)
def search_districts(
    q: Annotated[
        str,
        Query(min_length=2, max_length=100, description="Words of a district's or an MP's name."),
    ],
    principal: DirectoryReader,
    session: SessionDep,
) -> DistrictChoices:
    """Districts to choose from by their name or their representative's name (at most
    20): for a postal code that no table knows, or one the table knows only roughly."""
    return service.search_districts(session, principal.organisation_id, q)


@router.get("/v1/districts/lookup", response_model=DistrictLookup, responses=NOT_FOUND | UPSTREAM)
def lookup_district(
    provider: DistrictProviderDep,
    postal_code: Annotated[PostalCode, Query(description="A Canadian postal code, e.g. K1A 0A6.")],
    principal: DirectoryReader,
    session: SessionDep,
) -> DistrictLookup:
    return service.lookup_postal_code(session, principal.organisation_id, provider, postal_code)


@router.post(
    "/v1/districts/postal-codes/import",
    response_model=PostalCodeImportResult,
    openapi_extra=POSTAL_CODES_FILE,
)
async def import_postal_codes(
    request: Request, settings: SettingsDep, principal: DirectoryWriter, session: SessionDep
) -> PostalCodeImportResult:
    """Replace the organisation's postal-code table: columns `postal_code` (a whole code or
    its first characters), `district_name`, and optionally `district_code`, `province`."""
    body, content_type = await read_upload(request)
    return await run_in_threadpool(
        postal_table.import_table,
        session,
        principal.organisation_id,
        body,
        content_type,
        settings.max_import_rows,
    )
