from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.feature_cost_response import FeatureCostResponse
from ...models.invalid_api_key_response import InvalidApiKeyResponse
from ...models.invalid_parameters_response import InvalidParametersResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page_size: int | Unset = 20,
    starting_token: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page_size"] = page_size

    json_starting_token: None | str | Unset
    if isinstance(starting_token, Unset):
        json_starting_token = UNSET
    else:
        json_starting_token = starting_token
    params["starting_token"] = json_starting_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/s2s/v2.0/credit/feature-cost",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    ErrorResponse
    | FeatureCostResponse
    | InvalidApiKeyResponse
    | InvalidParametersResponse
    | None
):
    if response.status_code == 200:
        response_200 = FeatureCostResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = InvalidParametersResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = InvalidApiKeyResponse.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    ErrorResponse
    | FeatureCostResponse
    | InvalidApiKeyResponse
    | InvalidParametersResponse
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = 20,
    starting_token: None | str | Unset = UNSET,
) -> Response[
    ErrorResponse
    | FeatureCostResponse
    | InvalidApiKeyResponse
    | InvalidParametersResponse
]:
    """Get feature cost

     What each feature (SKU) costs: `amount` units per `proc_unit` of `unit`, and the task
    endpoint that spends them. Pass the previous response's `result.next_token` as
    `starting_token` to read the next page; it is null on the last page.

    Args:
        page_size (int | Unset):  Default: 20.
        starting_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | FeatureCostResponse | InvalidApiKeyResponse | InvalidParametersResponse]
    """

    kwargs = _get_kwargs(
        page_size=page_size,
        starting_token=starting_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = 20,
    starting_token: None | str | Unset = UNSET,
) -> (
    ErrorResponse
    | FeatureCostResponse
    | InvalidApiKeyResponse
    | InvalidParametersResponse
    | None
):
    """Get feature cost

     What each feature (SKU) costs: `amount` units per `proc_unit` of `unit`, and the task
    endpoint that spends them. Pass the previous response's `result.next_token` as
    `starting_token` to read the next page; it is null on the last page.

    Args:
        page_size (int | Unset):  Default: 20.
        starting_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | FeatureCostResponse | InvalidApiKeyResponse | InvalidParametersResponse
    """

    return sync_detailed(
        client=client,
        page_size=page_size,
        starting_token=starting_token,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = 20,
    starting_token: None | str | Unset = UNSET,
) -> Response[
    ErrorResponse
    | FeatureCostResponse
    | InvalidApiKeyResponse
    | InvalidParametersResponse
]:
    """Get feature cost

     What each feature (SKU) costs: `amount` units per `proc_unit` of `unit`, and the task
    endpoint that spends them. Pass the previous response's `result.next_token` as
    `starting_token` to read the next page; it is null on the last page.

    Args:
        page_size (int | Unset):  Default: 20.
        starting_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | FeatureCostResponse | InvalidApiKeyResponse | InvalidParametersResponse]
    """

    kwargs = _get_kwargs(
        page_size=page_size,
        starting_token=starting_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = 20,
    starting_token: None | str | Unset = UNSET,
) -> (
    ErrorResponse
    | FeatureCostResponse
    | InvalidApiKeyResponse
    | InvalidParametersResponse
    | None
):
    """Get feature cost

     What each feature (SKU) costs: `amount` units per `proc_unit` of `unit`, and the task
    endpoint that spends them. Pass the previous response's `result.next_token` as
    `starting_token` to read the next page; it is null on the last page.

    Args:
        page_size (int | Unset):  Default: 20.
        starting_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | FeatureCostResponse | InvalidApiKeyResponse | InvalidParametersResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            page_size=page_size,
            starting_token=starting_token,
        )
    ).parsed
