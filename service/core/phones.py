"""What a Chinese telephone number looks like, written once for every form that takes one
(API, console, public submission, ledger) and for the masking that hides one in a text.
ASCII digits only: a full-width digit is no digit to the SMS gateway."""
import re

# A mainland mobile number: 11 digits, 13x-19x.
MOBILE_PATTERN = "1[3-9][0-9]{9}"
# A landline with its area code (0 and 2-3 digits), the hyphen optional.
LANDLINE_PATTERN = "0[0-9]{2,3}-?[0-9]{7,8}"
PHONE_PATTERN = f"{MOBILE_PATTERN}|{LANDLINE_PATTERN}"

_MOBILE = re.compile(MOBILE_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)
_LANDLINE = re.compile(LANDLINE_PATTERN)


def is_mobile(text: str) -> bool:
    """`text` is a mobile number and nothing else."""
    return _MOBILE.fullmatch(text) is not None


def is_phone(text: str) -> bool:
    """`text` is a mobile number or a landline with its area code, and nothing else."""
    return _PHONE.fullmatch(text) is not None


def is_landline(text: str) -> bool:
    """`text` is a landline with its area code, and nothing else."""
    return _LANDLINE.fullmatch(text) is not None


def sms_refusal(phone: str | None, label: str) -> str | None:
    """Why `phone`, typed in the field called `label`, cannot receive an SMS (None: it can).
    The number itself stays out of the message: it may reach a log line."""
    if not phone or is_mobile(phone):
        return None
    if is_landline(phone):
        return f"{label}是固定电话，不能接收短信，请填写手机号"
    return f"{label}不是手机号，不能接收短信，请填写手机号"
