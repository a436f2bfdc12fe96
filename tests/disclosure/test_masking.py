"""service.core.masking: the one set of masking rules for everything the public or a third party sees.

Formats (pitfalls.md, "Privacy on public pages"): names 张* / 张*明 / 欧阳**, mobiles 138****1234,
ID numbers 35*************123, and any phone or ID number in free text masked as a safety net.
"""
import pytest

from service.core.masking import mask_name, mask_phone, scrub_text

# --- mask_name -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, masked", [
    ("张三", "张*"),
    ("张三明", "张*明"),
    ("欧阳娜娜", "欧阳**"),
    ("司马相如", "司马**"),
    ("诸葛亮", "诸葛*"),
    (" 张三明 ", "张*明"),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_name_of_a_single_character_does_not_show_it_unmasked():
    masked = mask_name("张")
    assert masked != "张"
    assert "*" in masked


@pytest.mark.parametrize("empty", ["", None])
def test_mask_name_of_nothing_is_nothing(empty):
    assert not mask_name(empty)


def test_mask_name_never_returns_the_name_itself():
    for name in ("张三", "张三明", "欧阳娜娜", "买买提江", "张", "欧阳"):
        assert mask_name(name) != name, name


# --- mask_phone ------------------------------------------------------------------------------

def test_mask_phone_mobile():
    assert mask_phone("13812345678") == "138****5678"


def test_mask_phone_mobile_written_with_spaces_or_dashes():
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("138-1234-5678") == "138****5678"


def test_mask_phone_landline_keeps_only_the_last_four_digits():
    masked = mask_phone("0915-3212001")
    assert "*" in masked
    assert "".join(ch for ch in masked if ch.isdigit()) == "2001"


@pytest.mark.parametrize("short", ["110", "1234", "12"])
def test_mask_phone_short_number_reveals_nothing(short):
    masked = mask_phone(short)
    assert masked is not None and "*" in masked
    assert short not in masked


@pytest.mark.parametrize("empty", ["", None])
def test_mask_phone_of_nothing_is_nothing(empty):
    assert not mask_phone(empty)


# --- scrub_text ------------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["13812345678", "138 1234 5678", "138-1234-5678"])
def test_scrub_text_masks_a_mobile_however_it_is_written(written):
    out = scrub_text(f"请回电{written}，谢谢。")
    assert out == "请回电138****5678，谢谢。"


def test_scrub_text_masks_an_18_digit_id_number():
    out = scrub_text("身份证号610102199001011234。")
    assert "610102199001011234" not in out
    assert out == "身份证号61*************234。"


@pytest.mark.parametrize("check_digit", ["X", "x"])
def test_scrub_text_masks_an_id_number_ending_in_x(check_digit):
    id_number = "61010219900101123" + check_digit
    out = scrub_text(f"身份证{id_number}")
    assert id_number not in out
    assert "19900101" not in out
    assert out == f"身份证61*************23{check_digit}"


def test_scrub_text_masks_a_landline():
    out = scrub_text("办公电话0915-3212001，工作日可打。")
    assert "3212001" not in out
    assert "2001" in out
    assert out.startswith("办公电话0915-") and out.endswith("，工作日可打。")


def test_scrub_text_replaces_the_given_names_and_organisations():
    text = "王建国反映秦岭绿源农业科技有限公司门前道路破损，王建国希望尽快修复。"
    out = scrub_text(text, names=("王建国",), orgs=("秦岭绿源农业科技有限公司",))
    assert "王建国" not in out
    assert "秦岭绿源农业科技有限公司" not in out
    assert out.count("王*国") == 2
    assert "门前道路破损" in out


def test_scrub_text_ignores_missing_names_and_orgs():
    text = "园区东路已修复。"
    assert scrub_text(text, names=(None, ""), orgs=(None, "")) == text


@pytest.mark.parametrize("text", [
    "2026年11月20日召开服务企业早餐会，协调资金300万元，修复道路1.5公里。",
    "已于2026-11-20完成整改，涉及企业12家、项目3个。",
    "",
    None,
])
def test_scrub_text_leaves_text_without_personal_data_unchanged(text):
    assert scrub_text(text, names=("王建国",), orgs=("秦岭绿源农业科技有限公司",)) == text


@pytest.mark.parametrize("text", [
    "银行账号6222021381234567890，户名为本公司。",     # 19 digits, a mobile-like run inside
    "合同编号20261381234567801，请查收。",            # 17 digits
    "订单号9913812345678，已发货。",                  # 13 digits
    "交易流水号20261120138123456789。",               # 20 digits
], ids=["19-digits", "17-digits", "13-digits", "20-digits"])
def test_scrub_text_does_not_break_a_longer_digit_run(text):
    assert scrub_text(text) == text


def test_scrub_text_masks_everything_in_one_text():
    text = ("联系人王建国，电话13812345678，身份证610102199001011234，"
            "单位秦岭绿源农业科技有限公司，座机0915-3212001。")
    out = scrub_text(text, names=("王建国",), orgs=("秦岭绿源农业科技有限公司",))
    for secret in ("王建国", "13812345678", "610102199001011234", "秦岭绿源农业科技有限公司",
                   "3212001"):
        assert secret not in out, (secret, out)
    assert "王*国" in out and "138****5678" in out
