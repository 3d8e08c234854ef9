"""The API refuses query parameters its operations do not take: a misspelt filter
(`campaing_id`) would otherwise be ignored and the list answer everything, which a
client syncing from it would take for the filtered rows. Only the API: the action page
is opened from shared links that carry `utm_source` and the like."""

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.errors import InvalidInput


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def query_names(route: APIRoute) -> set[str]:
    """The query parameters `route` takes, its dependencies' included, as sent (a walk of
    a few objects per request: cheaper than keeping a cache keyed by routes)."""
    return _query_names(route.dependant)


def reject_unknown_query(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = sorted(set(request.query_params) - query_names(route))
    if unknown:
        raise InvalidInput(
            f"This operation takes no {', '.join(unknown)} parameter.",
            errors=[
                {"field": name, "in": "query", "message": "is not a parameter of this operation"}
                for name in unknown
            ],
        )
