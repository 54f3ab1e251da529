from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invalid_api_key_response_error_code import InvalidApiKeyResponseErrorCode
from ..types import UNSET, Unset

T = TypeVar("T", bound="InvalidApiKeyResponse")


@_attrs_define
class InvalidApiKeyResponse:
    """
    Attributes:
        status (int): Response status Example: 401.
        error_code (InvalidApiKeyResponseErrorCode): Error code of the API-key scheme:
            * InvalidApiKey - the API key is not given or not valid
            * InactiveApiKey - the API key has been deactivated
            * ExpiredApiKey - the API key has expired
        error (str | Unset): Error message Example: Invalid API key.
    """

    status: int
    error_code: InvalidApiKeyResponseErrorCode
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        error_code = self.error_code.value

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "error_code": error_code,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = d.pop("status")

        error_code = InvalidApiKeyResponseErrorCode(d.pop("error_code"))

        error = d.pop("error", UNSET)

        invalid_api_key_response = cls(
            status=status,
            error_code=error_code,
            error=error,
        )

        invalid_api_key_response.additional_properties = d
        return invalid_api_key_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
