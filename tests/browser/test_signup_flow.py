import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual passphrase"


def _link_in_last_mail(path: str) -> str:
    match = re.search(rf"https?://\S+{re.escape(path)}\S*", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(0)


def test_sign_up_verify_log_in_and_see_the_empty_library(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_role("link", name="Create an account").click()

    page.get_by_label("Email").fill("marie@example.org")
    page.get_by_label("Display name").fill("Marie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Check your inbox")).to_be_visible()

    page.goto(_link_in_last_mail("/verify-email?token="))
    expect(page.get_by_role("heading", name="Email verified")).to_be_visible()
    page.get_by_role("link", name="Log in").click()

    page.get_by_label("Email").fill("marie@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Library")).to_be_visible()
    expect(page.get_by_text("No documents yet")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_wrong_password_shows_the_servers_message_next_to_the_form(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("The e-mail or password is not correct.")


def test_signup_field_errors_appear_next_to_the_fields(page: Page) -> None:
    page.goto("/signup")
    page.get_by_label("Email").fill("short@example.org")
    page.get_by_label("Display name").fill("Shorty")
    page.get_by_label("Password").fill("12345")
    page.get_by_role("button", name="Sign up").click()
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("This password is too short", exact=False)).to_be_visible()
