"""The English catalogue beside the Chinese source texts, and the language switcher."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOGIN_URL = "/account/login/"
CATALOGUE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def _po_entries(path):
    """Parse a .po file into (msgid, msgid_plural, [msgstr...], flags) tuples.

    Enough of the format for the catalogue `makemessages` writes: flags, msgid, msgid_plural,
    msgstr and msgstr[n], each possibly continued on following quoted lines.
    """
    entries, current, key, flags = [], None, None, set()

    def finish():
        if current is not None:
            entries.append(
                (current.get("msgid", ""), current.get("msgid_plural"), current["msgstr"], flags)
            )

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            finish()
            current, key = None, None
            flags = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("msgid "):
            if current is not None and key != "msgctxt":
                finish()
                flags = set()
            current = current if key == "msgctxt" else {"msgstr": []}
            key = "msgid"
            current["msgid"] = ast.literal_eval(line[6:])
        elif line.startswith("msgid_plural "):
            key = "msgid_plural"
            current[key] = ast.literal_eval(line[13:])
        elif line.startswith("msgstr"):
            key = "msgstr"
            current["msgstr"].append(ast.literal_eval(line.split(" ", 1)[1]))
        elif line.startswith('"') and current is not None:
            if key == "msgstr":
                current["msgstr"][-1] += ast.literal_eval(line)
            else:
                current[key] += ast.literal_eval(line)
    finish()
    return [entry for entry in entries if entry[0]]  # drop the header


@pytest.fixture(scope="module")
def po_entries():
    return _po_entries(CATALOGUE_DIR / "django.po")


@pytest.fixture(scope="module")
def mo_catalogue():
    with open(CATALOGUE_DIR / "django.mo", "rb") as mo_file:
        return gettext.GNUTranslations(mo_file)


# --- pages ---------------------------------------------------------------------------------


def test_login_page_is_chinese_by_default(client, db):
    response = client.get(LOGIN_URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "身份证号或手机号" in body
    assert "ID card number or mobile number" not in body
    assert '<html lang="zh-CN">' in body


def test_login_page_is_english_with_the_language_cookie(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(LOGIN_URL).content.decode()
    assert "ID card number or mobile number" in body
    assert "身份证号或手机号" not in body
    assert '<html lang="en">' in body


def test_accept_language_en_is_honoured(client, db):
    # Documented behaviour: LocaleMiddleware follows the browser when no choice was made.
    body = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "ID card number or mobile number" in body


def test_accept_language_zh_cn_and_unknown_languages_get_chinese(client, db):
    for header in ("zh-CN,zh;q=0.9", "fr-FR,fr;q=0.9", "ja"):
        body = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE=header).content.decode()
        assert "身份证号或手机号" in body, header


def test_the_cookie_choice_beats_the_browser_language(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "身份证号或手机号" in body


# --- switcher ------------------------------------------------------------------------------


def test_footer_has_an_accessible_language_switcher(client, db):
    body = client.get(LOGIN_URL).content.decode()
    form = re.search(
        r'<form class="lang-switch" method="post" action="([^"]+)">(.*?)</form>', body, re.S
    )
    assert form is not None
    action, inner = form.groups()
    assert action == "/i18n/setlang/"
    assert 'name="csrfmiddlewaretoken"' in inner
    assert '<label for="lang-switch-language">' in inner
    assert '<select id="lang-switch-language" name="language">' in inner
    assert '<option value="zh-hans" lang="zh-CN" selected>简体中文</option>' in inner
    assert '<option value="en" lang="en">English</option>' in inner
    assert f'name="next" value="{LOGIN_URL}"' in inner


def test_switcher_marks_english_selected_when_english(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(LOGIN_URL).content.decode()
    assert '<option value="en" lang="en" selected>English</option>' in body


def test_switching_sets_the_cookie_and_returns_to_the_page(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "ID card number or mobile number" in client.get(LOGIN_URL).content.decode()

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": LOGIN_URL})
    assert "身份证号或手机号" in client.get(LOGIN_URL).content.decode()


def test_switching_to_a_language_outside_languages_keeps_chinese(client, db):
    # Django stores any language it has a catalogue for, but only LANGUAGES are ever served.
    response = client.post("/i18n/setlang/", {"language": "fr", "next": LOGIN_URL})
    assert response.status_code == 302
    body = client.get(LOGIN_URL).content.decode()
    assert "身份证号或手机号" in body
    assert '<html lang="zh-CN">' in body


def test_switcher_refuses_to_redirect_off_site(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


# --- catalogue -----------------------------------------------------------------------------


def test_default_language_stays_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]


def test_catalogue_has_no_fuzzy_entries(po_entries):
    assert [msgid for msgid, _plural, _strs, flags in po_entries if "fuzzy" in flags] == []


def test_catalogue_translates_key_terms(mo_catalogue):
    assert mo_catalogue.gettext("身份证号或手机号") == "ID card number or mobile number"
    assert mo_catalogue.gettext("统一社会信用代码") == "Unified social credit code"
    assert mo_catalogue.gettext("法定代表人") == "Legal representative"
    assert mo_catalogue.gettext("经办人") == "Agent"
    assert mo_catalogue.gettext("实名认证") == "Real-name verification"
    assert mo_catalogue.gettext("一网通办") == "One-Stop Online Service"
    assert mo_catalogue.ngettext("已创建 %(n)s 个账户。", "已创建 %(n)s 个账户。", 1) == (
        "%(n)s account created."
    )
    assert mo_catalogue.ngettext("已创建 %(n)s 个账户。", "已创建 %(n)s 个账户。", 3) == (
        "%(n)s accounts created."
    )


def test_compiled_catalogue_matches_the_po_file(po_entries, mo_catalogue):
    """The committed .mo must be compiled from the committed .po (run `make messages`)."""
    stale = []
    for msgid, msgid_plural, msgstrs, _flags in po_entries:
        if msgid_plural is None:
            expected = msgstrs[0] or msgid
            if mo_catalogue.gettext(msgid) != expected:
                stale.append(msgid)
        else:
            for count, expected in ((1, msgstrs[0]), (2, msgstrs[1])):
                expected = expected or (msgid if count == 1 else msgid_plural)
                if mo_catalogue.ngettext(msgid, msgid_plural, count) != expected:
                    stale.append(msgid)
    assert stale == []


def test_translations_keep_their_placeholders(po_entries):
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]")
    broken = [
        msgid
        for msgid, msgid_plural, msgstrs, _flags in po_entries
        for msgstr in msgstrs
        if msgstr
        and sorted(set(placeholder.findall(msgstr)))
        not in (
            sorted(set(placeholder.findall(msgid))),
            sorted(set(placeholder.findall(msgid_plural or ""))),
        )
    ]
    assert broken == []
