"""The invitation round trip in two browsers: an owner invites by e-mail, the invitee joins from the link."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, UserFactory, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link_in_last_mail(path: str) -> str:
    match = re.search(rf"https?://\S+{re.escape(path)}\S*", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(0)


def _log_in(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_owner_invites_a_viewer_who_logs_in_from_the_link_and_joins(
    page: Page, browser: Browser, base_url: str
) -> None:
    """
    GIVEN an owner of "Optics Lab" and a second, verified account that is in no team
    WHEN the owner invites the second account's address as a viewer from the Members page,
         and its holder opens the e-mailed link in another browser, logs in from it and joins
    THEN the newcomer sees the team's library without the upload control, which the owner has.
    """
    owner = UserFactory.create(email="olive@example.org", display_name="Olive Owner")
    team = make_team(owner=owner, name="Optics Lab")
    viewer = UserFactory.create(email="vera@example.org", display_name="Vera Viewer")

    page.goto("/login")
    _log_in(page, owner.email)
    expect(page.get_by_role("button", name="Team: Optics Lab")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()

    page.get_by_role("button", name="Invite someone").click()
    dialog = page.get_by_role("dialog", name="Invite someone to Optics Lab")
    dialog.get_by_label("Email").fill(viewer.email)
    dialog.get_by_label("Role").select_option("viewer")
    dialog.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {viewer.email}.")).to_be_visible()
    expect(page.get_by_role("rowheader", name=viewer.email)).to_be_visible()

    assert mail.outbox[-1].to == [viewer.email]
    link = _link_in_last_mail("/invitations/")

    context = browser.new_context(base_url=base_url)
    try:
        newcomer = context.new_page()
        newcomer.goto(link)
        expect(newcomer.get_by_role("heading", name="Join Optics Lab")).to_be_visible()
        expect(newcomer.get_by_text("Olive Owner", exact=True)).to_be_visible()
        newcomer.get_by_role("link", name="Log in to accept").click()
        _log_in(newcomer, viewer.email)

        newcomer.get_by_role("button", name="Join Optics Lab").click()
        expect(newcomer).to_have_url(re.compile(rf"/t/{team.pk}/library$"))
        expect(newcomer.get_by_role("heading", name="Library", exact=True)).to_be_visible()
        expect(newcomer.get_by_role("button", name="Team: Optics Lab")).to_be_visible()
        expect(newcomer.get_by_role("button", name="Upload PDFs")).to_have_count(0)
    finally:
        context.close()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", name="Library", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Upload PDFs")).to_have_count(1)
