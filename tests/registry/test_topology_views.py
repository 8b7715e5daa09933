import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.registry.models import TopologyAttachment
from tests import factories
from tests.factories import PNG_BYTES

pytestmark = pytest.mark.django_db


def _upload(client, customer, name="网络拓扑.png", content=PNG_BYTES, **extra):
    return client.post(
        reverse("registry:topology_upload", args=[customer.pk]),
        {"title": "", "file": SimpleUploadedFile(name, content), **extra},
    )


def test_seat_uploads_a_diagram_and_downloads_it_through_the_console(client, seat, customer_a):
    client.force_login(seat)
    _upload(client, customer_a)
    diagram = TopologyAttachment.objects.get(customer=customer_a)
    response = client.get(reverse("registry:topology_download", args=[diagram.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_svg_diagram_is_refused_with_a_message_on_the_file(client, seat, customer_a):
    client.force_login(seat)
    response = _upload(client, customer_a, "net.svg", b"<svg onload='alert(1)'/>")
    assert response.status_code == 422 and "file" in response.context["form"].errors
    assert not TopologyAttachment.objects.exists()


def test_diagram_of_another_customers_project_is_refused(client, seat, customer_a, customer_b):
    project = factories.ProjectFactory(customer=customer_b)
    client.force_login(seat)
    response = _upload(client, customer_a, project=project.pk)
    assert response.status_code == 422 and not TopologyAttachment.objects.exists()


def test_stored_diagrams_are_not_served_from_a_public_media_url(client, seat, customer_a):
    client.force_login(seat)
    _upload(client, customer_a)
    diagram = TopologyAttachment.objects.get()
    assert client.get(f"/media/{diagram.file.name}").status_code == 404


def test_customer_contact_cannot_download_even_their_own_diagram(client, seat, contact_a):
    client.force_login(seat)
    _upload(client, contact_a.customer)
    diagram = TopologyAttachment.objects.get()
    client.force_login(contact_a.user)
    assert client.get(reverse("registry:topology_download", args=[diagram.pk])).status_code == 404


def test_engineer_downloads_but_cannot_upload(client, seat, engineer, customer_a):
    client.force_login(seat)
    _upload(client, customer_a)
    diagram = TopologyAttachment.objects.get()
    client.force_login(engineer)
    assert client.get(reverse("registry:topology_download", args=[diagram.pk])).status_code == 200
    assert _upload(client, customer_a).status_code == 403
    assert TopologyAttachment.objects.count() == 1


def test_deactivated_diagram_leaves_the_customer_page(client, seat, customer_a):
    client.force_login(seat)
    _upload(client, customer_a, title="核心网")
    diagram = TopologyAttachment.objects.get()
    client.post(reverse("registry:topologyattachment_deactivate", args=[diagram.pk]))
    body = client.get(reverse("registry:customer_detail", args=[customer_a.pk])).content.decode()
    assert "核心网" not in body
