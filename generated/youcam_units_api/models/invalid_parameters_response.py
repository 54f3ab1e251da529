from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invalid_parameters_response_error_code import (
    InvalidParametersResponseErrorCode,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="InvalidParametersResponse")


@_attrs_define
class InvalidParametersResponse:
    """
    Attributes:
        status (int): Response status Example: 400.
        error_code (InvalidParametersResponseErrorCode): Error code of a refused request, as the vendor's error
            catalogue lists them:
            * InvalidParameters - Invalid request parameters or body
            * BadRequest - the request cannot be served as sent
            * CreditInsufficiency - not enough units for the request
        error (str | Unset): Error message Example: The operation could not be completed.
    """

    status: int
    error_code: InvalidParametersResponseErrorCode
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

        error_code = InvalidParametersResponseErrorCode(d.pop("error_code"))

        error = d.pop("error", UNSET)

        invalid_parameters_response = cls(
            status=status,
            error_code=error_code,
            error=error,
        )

        invalid_parameters_response.additional_properties = d
        return invalid_parameters_response

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
