from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.credit_balance_response import CreditBalanceResponse
from ...models.error_response import ErrorResponse
from ...models.invalid_access_token_response import InvalidAccessTokenResponse
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/s2s/v1.0/client/credit",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreditBalanceResponse | ErrorResponse | InvalidAccessTokenResponse | None:
    if response.status_code == 200:
        response_200 = CreditBalanceResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = InvalidAccessTokenResponse.from_dict(response.json())

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
) -> Response[CreditBalanceResponse | ErrorResponse | InvalidAccessTokenResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[CreditBalanceResponse | ErrorResponse | InvalidAccessTokenResponse]:
    """Get unit info

     The account's units now, one item per unit bucket (subscription or pay-as-you-go), with
    the remaining amount to two decimal places and when the bucket expires.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreditBalanceResponse | ErrorResponse | InvalidAccessTokenResponse]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> CreditBalanceResponse | ErrorResponse | InvalidAccessTokenResponse | None:
    """Get unit info

     The account's units now, one item per unit bucket (subscription or pay-as-you-go), with
    the remaining amount to two decimal places and when the bucket expires.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreditBalanceResponse | ErrorResponse | InvalidAccessTokenResponse
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[CreditBalanceResponse | ErrorResponse | InvalidAccessTokenResponse]:
    """Get unit info

     The account's units now, one item per unit bucket (subscription or pay-as-you-go), with
    the remaining amount to two decimal places and when the bucket expires.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreditBalanceResponse | ErrorResponse | InvalidAccessTokenResponse]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> CreditBalanceResponse | ErrorResponse | InvalidAccessTokenResponse | None:
    """Get unit info

     The account's units now, one item per unit bucket (subscription or pay-as-you-go), with
    the remaining amount to two decimal places and when the bucket expires.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreditBalanceResponse | ErrorResponse | InvalidAccessTokenResponse
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
