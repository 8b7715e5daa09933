"""Article attachments, links to cases and articles made from resolved cases (API)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.core.models import Activity
from aftersales.kb.models import Article, ArticleAttachment, ArticleCaseLink
from tests.kb import factories as kb

pytestmark = pytest.mark.django_db

URL = "/api/v1/kb/articles"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def pdf(name="manual.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n...", content_type="application/pdf")


def test_attachment_upload_and_download(api_as, engineer):
    article = kb.article(engineer)
    client = api_as(engineer)
    response = client.post(f"{URL}/{article.pk}/attachments", {"file": pdf()})
    assert response.status_code == 201, response.content
    download = client.get(response.json()["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert Activity.objects.filter(subject_id=article.pk, kind="article_attached").exists()


def test_attachment_with_a_false_extension_is_422_and_kept_nowhere(api_as, engineer):
    article = kb.article(engineer)
    fake = SimpleUploadedFile("manual.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = api_as(engineer).post(f"{URL}/{article.pk}/attachments", {"file": fake})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "file"
    assert not ArticleAttachment.objects.exists()


def test_attachment_type_outside_the_list_is_422(api_as, engineer):
    article = kb.article(engineer)
    exe = SimpleUploadedFile("tool.gif", b"GIF89a....", content_type="image/gif")
    response = api_as(engineer).post(f"{URL}/{article.pk}/attachments", {"file": exe})
    assert response.status_code == 422
    assert not ArticleAttachment.objects.exists()


def test_customer_cannot_download_a_drafts_attachment(api_as, engineer, contact_a):
    article = kb.article(engineer)
    api_as(engineer).post(f"{URL}/{article.pk}/attachments", {"file": pdf()})
    attachment = ArticleAttachment.objects.get()
    url = f"{URL}/{article.pk}/attachments/{attachment.pk}"
    assert api_as(contact_a.user).get(url).status_code == 404


def test_link_to_a_case_once(api_as, seat, engineer, customer_a):
    article = kb.article(engineer)
    case = kb.resolved_case(seat, customer_a)
    client = api_as(engineer)
    assert post(client, f"{URL}/{article.pk}/link", {"case": case.number}).status_code == 201
    assert post(client, f"{URL}/{article.pk}/link", {"case": case.number}).status_code == 201
    assert ArticleCaseLink.objects.filter(article=article, case=case).count() == 1
    assert client.get(f"{URL}/{article.pk}").json()["cases"] == [case.number]


def test_link_to_an_unknown_case_is_422_naming_case(api_as, engineer):
    article = kb.article(engineer)
    response = post(api_as(engineer), f"{URL}/{article.pk}/link", {"case": "NOPE-1"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "case"
    assert not ArticleCaseLink.objects.exists()


def test_from_case_drafts_problem_cause_solution(api_as, seat, engineer, customer_a):
    kb.category_tree()
    case = kb.resolved_case(seat, customer_a)
    response = post(api_as(engineer), f"{URL}/from-case", {"case": case.number})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["kind"], data["source_case"]) == (
        "draft",
        "troubleshooting",
        case.number,
    )
    body = data["body"]
    assert body.index("## 问题") < body.index("## 原因") < body.index("## 解决方案")
    assert "核心交换机电源故障" in body and "电源模块风扇停转" in body
    assert "更换电源模块后恢复。" in body
    assert data["cases"] == [case.number]


def test_from_an_open_case_is_409_and_writes_nothing(api_as, seat, engineer, customer_a):
    from tests.cases.factories_daily import open_case

    kb.category_tree()
    case = open_case(seat, customer_a)
    response = post(api_as(engineer), f"{URL}/from-case", {"case": case.number})
    assert response.status_code == 409
    assert not Article.objects.exists()


def test_from_case_needs_the_right_to_write(api_as, seat, customer_a):
    from tests import factories

    kb.category_tree()
    case = kb.resolved_case(seat, customer_a)
    store = factories.staff_user("store", role="warehouse")
    assert post(api_as(store), f"{URL}/from-case", {"case": case.number}).status_code == 403
    assert not Article.objects.exists()
