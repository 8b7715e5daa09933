import pytest

from tests.factories import PASSWORD, staff_user


@pytest.mark.django_db
def test_staff_login_lands_on_the_console(client, seat):
    response = client.post(
        "/accounts/login/", {"username": "seat", "password": PASSWORD}, follow=True
    )
    # The console's home page: the "due next" board, the lookup one click away (issue 10).
    assert response.redirect_chain[-1][0] == "/"
    assert 'id="due-next"' in response.content.decode()
    assert 'href="/registry/lookup/"' in response.content.decode()


@pytest.mark.django_db
def test_customer_contact_login_lands_on_the_portal(client, contact_a):
    client.post("/accounts/login/", {"username": "contact_a", "password": PASSWORD})
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/portal/"
    assert "华东电力集团" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failed_logins_are_throttled_even_with_the_right_password(client, seat, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": "seat", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "seat", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(settings):
    from aftersales import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = staff_user("hashed", role="engineer")
    assert user.password.startswith("argon2")


@pytest.mark.django_db
def test_customer_contact_cannot_open_the_staff_console(client, contact_a):
    client.force_login(contact_a.user)
    assert client.get("/registry/lookup/").status_code == 404


@pytest.mark.django_db
def test_language_switch_is_kept_on_the_user(client, seat):
    client.force_login(seat)
    client.post("/accounts/language/", {"language": "en", "next": "/registry/lookup/"})
    seat.refresh_from_db()
    assert seat.language == "en"
    assert "Call-centre lookup" in client.get("/registry/lookup/").content.decode()


@pytest.mark.django_db
def test_password_change_requires_the_old_password(client, seat):
    client.force_login(seat)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "An0ther-Pass!",
            "new_password2": "An0ther-Pass!",
        },
    )
    assert response.status_code == 200
    seat.refresh_from_db()
    assert seat.check_password(PASSWORD)
