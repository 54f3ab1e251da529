from enum import StrEnum


class KnownCreditAction(StrEnum):
    API_BACKGROUND_REMOVAL = "api_background_removal"
    API_COLORIZE = "api_colorize"
    API_HAIR_STYLE = "api_hair_style"
    API_OBJECT_REMOVAL = "api_object_removal"
    API_PHOTO_ENHANCE = "api_photo_enhance"
    API_TEXT_TO_IMAGE = "api_text_to_image"
    BACKGROUND_REMOVAL = "background_removal"
    BLUR_BACKGROUND = "blur_background"
    CHANGE_BACKGROUND = "change_background"
    COLORIZE = "colorize"
    COMPENSATION_FROM_CUSTOMER_SERVICE = "compensation_from_customer_service"
    EXPIRE = "expire"
    HAIR_STYLE = "hair_style"
    OBJECT_REMOVAL = "object_removal"
    PERMANENT_CREDITS = "permanent_credits"
    PHOTO_ENHANCE = "photo_enhance"
    RENEW = "renew"
    SIGN_UP_GIFT = "sign_up_gift"
    SUBSCRIBER_GIFT = "subscriber_gift"
    SUBSCRIPTION_CREDITS = "subscription_credits"
    TEXT_TO_IMAGE = "text_to_image"
    TRIAL_GIFT_TEXT_TO_IMAGE = "trial_gift_text_to_image"
    WIG = "wig"

    def __str__(self) -> str:
        return str(self.value)
