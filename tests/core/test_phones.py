"""One rule for what a Chinese telephone number is: the public form, the online submission
service, the API's and the console's phone fields, and the masking all read it from
service.core.phones, so a number one accepts the others treat alike."""
import pytest
from marshmallow import ValidationError

from service.core import phones
from service.core.masking import mask_phone, scrub_text
from web.schemas.common import check_phone

from ..public_helpers import submit_form

MOBILE_MESSAGE = "请填写 11 位手机号"

# (number, a mobile, a phone the staff forms take)
NUMBERS = [
    ("13912345678", True, True),
    ("19912345678", True, True),
    ("16612345678", True, True),
    ("12912345678", False, False),     # no 12x mobiles
    ("1391234567", False, False),      # 10 digits
    ("139123456789", False, False),    # 12 digits
    ("１３９１２３４５６７８", False, False),  # full-width digits: none for the SMS gateway
    ("0915-3212001", False, True),     # a landline with its area code
    ("09153212001", False, True),
    ("3212001", False, False),         # a landline without its area code
]


@pytest.mark.parametrize(("number", "mobile", "phone"), NUMBERS)
def test_every_form_reads_a_number_by_the_one_rule(number, mobile, phone):
    assert phones.is_mobile(number) is mobile
    assert phones.is_phone(number) is phone
    if phone:
        check_phone(number)
    else:
        with pytest.raises(ValidationError):
            check_phone(number)
    if mobile:
        masked = f"{number[:3]}****{number[-4:]}"
        assert mask_phone(number) == masked
        assert number not in scrub_text(f"请拨打{number}联系")


@pytest.mark.parametrize(("number", "mobile"), [(n, m) for n, m, _ in NUMBERS])
def test_the_public_form_takes_exactly_the_mobiles(client, county, number, mobile):
    page = submit_form(client, phone=number).get_data(as_text=True)
    assert (MOBILE_MESSAGE in page) is not mobile
