from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credit_bucket import CreditBucket


T = TypeVar("T", bound="CreditBalanceResponse")


@_attrs_define
class CreditBalanceResponse:
    """
    Attributes:
        status (int | Unset): Response status Example: 200.
        results (list[CreditBucket] | Unset): One item per unit bucket. The key is `results`, an array, not `result`.
    """

    status: int | Unset = UNSET
    results: list[CreditBucket] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        results: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.results, Unset):
            results = []
            for results_item_data in self.results:
                results_item = results_item_data.to_dict()
                results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if results is not UNSET:
            field_dict["results"] = results

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_bucket import CreditBucket  # noqa: PLC0415

        d = dict(src_dict)
        status = d.pop("status", UNSET)

        _results = d.pop("results", UNSET)
        results: list[CreditBucket] | Unset = UNSET
        if _results is not UNSET:
            results = []
            for results_item_data in _results:
                results_item = CreditBucket.from_dict(results_item_data)

                results.append(results_item)

        credit_balance_response = cls(
            status=status,
            results=results,
        )

        credit_balance_response.additional_properties = d
        return credit_balance_response

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
