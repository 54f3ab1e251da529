from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreditChange")


@_attrs_define
class CreditChange:
    """One unit bucket's change. `amount` is deprecated but still sent; `amount_dec` is the exact
    value. Only `id` is required, so that the day the vendor drops `amount` parsing still works.

        Attributes:
            id (int): Id of the unit
            amount (int | Unset): Total amount changed from this unit, as an integer; negative for spending, positive for
                grants. Deprecated by the vendor in favour of amount_dec: units can be fractional.
            amount_dec (float | Unset): The net change in units recorded, to two decimal places (e.g. -0.5). Exact: a client
                must read it as a decimal, never as a binary float.
                 Example: -0.5.
    """

    id: int
    amount: int | Unset = UNSET
    amount_dec: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        amount = self.amount

        amount_dec = self.amount_dec

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if amount is not UNSET:
            field_dict["amount"] = amount
        if amount_dec is not UNSET:
            field_dict["amount_dec"] = amount_dec

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        amount = d.pop("amount", UNSET)

        amount_dec = d.pop("amount_dec", UNSET)

        credit_change = cls(
            id=id,
            amount=amount,
            amount_dec=amount_dec,
        )

        credit_change.additional_properties = d
        return credit_change

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
