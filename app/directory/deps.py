from typing import Annotated

from fastapi import Depends, Request

from app.directory.lookup import DistrictProvider


def district_provider_of(request: Request) -> DistrictProvider:
    provider: DistrictProvider = request.app.state.district_provider
    return provider


DistrictProviderDep = Annotated[DistrictProvider, Depends(district_provider_of)]
