"""Steps shared by browser tests."""

from __future__ import annotations


def login(page, username: str, password: str) -> None:
    """Sign in through the login form and wait for the page it leads to."""
    response = page.goto("/accounts/login/")
    assert response is not None and response.ok, (
        f"login page answered {response and response.status}"
    )
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
