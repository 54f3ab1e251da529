from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.known_credit_bucket_type import KnownCreditBucketType
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreditBucket")


@_attrs_define
class CreditBucket:
    """
    Attributes:
        id (int | Unset): Unique identifier of this unit bucket (the id history entries name in info.credits) Example:
            13105541279084536.
        type_ (KnownCreditBucketType | str | Unset): Type of this unit bucket. An open enum: one of the documented
            values below, or another
            string, so that a bucket type the vendor adds later does not break the client.
        amount (int | Unset): Deprecated, use amount_dec. Current unit balance, as an integer. Example: 10.
        amount_dec (float | Unset): Remaining units, to two decimal places. Example: 10.04.
        expiry (int | None | Unset): Unix timestamp of the expiry of this bucket (ms); null or absent if it does not
            expire. Example: 1704789135000.
    """

    id: int | Unset = UNSET
    type_: KnownCreditBucketType | str | Unset = UNSET
    amount: int | Unset = UNSET
    amount_dec: float | Unset = UNSET
    expiry: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_: str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        elif isinstance(self.type_, KnownCreditBucketType):
            type_ = self.type_.value
        else:
            type_ = self.type_

        amount = self.amount

        amount_dec = self.amount_dec

        expiry: int | None | Unset
        if isinstance(self.expiry, Unset):
            expiry = UNSET
        else:
            expiry = self.expiry

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if type_ is not UNSET:
            field_dict["type"] = type_
        if amount is not UNSET:
            field_dict["amount"] = amount
        if amount_dec is not UNSET:
            field_dict["amount_dec"] = amount_dec
        if expiry is not UNSET:
            field_dict["expiry"] = expiry

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        def _parse_type_(data: object) -> KnownCreditBucketType | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_credit_bucket_type_type_0 = KnownCreditBucketType(
                    data
                )

                return componentsschemas_credit_bucket_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KnownCreditBucketType | str | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        amount = d.pop("amount", UNSET)

        amount_dec = d.pop("amount_dec", UNSET)

        def _parse_expiry(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expiry = _parse_expiry(d.pop("expiry", UNSET))

        credit_bucket = cls(
            id=id,
            type_=type_,
            amount=amount,
            amount_dec=amount_dec,
            expiry=expiry,
        )

        credit_bucket.additional_properties = d
        return credit_bucket

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
