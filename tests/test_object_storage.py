"""Uploaded files on an S3-compatible store (S3_* settings): reporters' documents
in the private bucket, private objects, served only through the app's views.
The store is moto's server on loopback, started here; no test reaches the internet."""

import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer

from kinderpardon.backups import create_backup, restore_backup
from kinderpardon.settings import object_storages
from motions.models import ActionReport, Motion

from .conftest import make_motion, make_municipality
from .test_report_form import pdf, valid_data
from .test_settings import start_django
from .test_workspace_decisions import PDF, create_url, decision, upload

PUBLIC_BUCKET = "motietracker-documenten"
PRIVATE_BUCKET = "motietracker-meldingen"
REGION = "eu-west-1"
# moto accepts any key; these only make sure no real credentials are looked for.
CREDENTIALS = {"S3_ACCESS_KEY_ID": "test-key-id", "S3_SECRET_ACCESS_KEY": "test-secret-key"}
PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3-compatible server on 127.0.0.1, on a free port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_environment(endpoint: str) -> dict[str, str]:
    return {
        "S3_BUCKET": PUBLIC_BUCKET,
        "S3_PRIVATE_BUCKET": PRIVATE_BUCKET,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        **CREDENTIALS,
    }


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """Both buckets, empty, and the app's storages on them, as the S3_* settings make them."""
    # moto's own call to forget every bucket; the endpoint is loopback.
    reset = urllib.request.Request(f"{s3_endpoint}/moto-api/reset", method="POST")  # noqa: S310
    urllib.request.urlopen(reset, timeout=10).close()  # noqa: S310
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["S3_SECRET_ACCESS_KEY"],
    )
    for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
    settings.STORAGES = {**settings.STORAGES, **object_storages(s3_environment(s3_endpoint))}
    # The report's field took its storage when the model was loaded.
    monkeypatch.setattr(ActionReport._meta.get_field("document"), "storage", storages["private"])
    return client


def keys(client, bucket: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


@pytest.mark.django_db
def test_reports_document_lands_in_the_private_bucket_as_a_private_object(client, s3):
    make_municipality(name="Den Haag", slug="den-haag")

    response = client.post(reverse("motions:report"), valid_data(document=pdf()))

    assert response.status_code == 302
    report = ActionReport.objects.get()
    assert keys(s3, PRIVATE_BUCKET) == [report.document.name]
    assert keys(s3, PUBLIC_BUCKET) == []
    stored = s3.get_object(Bucket=PRIVATE_BUCKET, Key=report.document.name)
    assert stored["Body"].read() == pdf().read()
    grants = s3.get_object_acl(Bucket=PRIVATE_BUCKET, Key=report.document.name)["Grants"]
    assert [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GRANTEES] == []


@pytest.mark.django_db
def test_reports_document_downloads_for_a_volunteer_and_not_for_a_visitor(
    client, volunteer_client, s3
):
    make_municipality(name="Den Haag", slug="den-haag")
    client.post(reverse("motions:report"), valid_data(document=pdf()))
    url = reverse("workspace:report_document", args=[ActionReport.objects.get().pk])

    download = volunteer_client.get(url)
    refused = client.get(url)

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf().read()
    assert "no-store" in download["Cache-Control"]
    assert refused.status_code in (302, 403)
    assert PRIVATE_BUCKET not in refused.get("Location", "")
    assert b"%PDF" not in refused.content


@pytest.mark.django_db
def test_volunteers_motion_document_goes_to_the_default_bucket_and_downloads_publicly(
    client, volunteer_client, s3
):
    municipality = make_municipality(name="Zwolle", slug="zwolle")
    volunteer_client.post(create_url(), decision(municipality, document=upload("motie.pdf", PDF)))
    motion = Motion.objects.get()
    url = reverse("motions:document", args=[motion.pk])

    page = client.get(motion.get_absolute_url()).content.decode()
    download = client.get(url)

    assert keys(s3, PUBLIC_BUCKET) == [motion.document.name]
    assert keys(s3, PRIVATE_BUCKET) == []
    assert f'href="{url}"' in page
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


# --- the settings ------------------------------------------------------------------


def test_no_s3_setting_keeps_the_uploads_on_local_disk():
    assert object_storages({}) == {}


def test_s3_storages_write_private_objects_and_never_overwrite():
    configured = object_storages(s3_environment("http://127.0.0.1:9"))
    assert configured["private"]["OPTIONS"]["bucket_name"] == PRIVATE_BUCKET
    for alias in ("default", "private"):
        assert configured[alias]["BACKEND"] == "storages.backends.s3.S3Storage"
        assert configured[alias]["OPTIONS"]["default_acl"] == "private"
        assert configured[alias]["OPTIONS"]["file_overwrite"] is False


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"S3_ENDPOINT_URL": "http://127.0.0.1:9"}, "S3_BUCKET must be set"),
        ({"S3_BUCKET": PUBLIC_BUCKET}, "S3_PRIVATE_BUCKET must be set"),
        ({"S3_BUCKET": PUBLIC_BUCKET, "S3_PRIVATE_BUCKET": PUBLIC_BUCKET}, "a bucket other than"),
        (
            {"S3_BUCKET": "a", "S3_PRIVATE_BUCKET": "b", "S3_ACCESS_KEY_ID": "k"},
            "must be set together",
        ),
        (
            {"S3_BUCKET": "a", "S3_PRIVATE_BUCKET": "b", "S3_ENDPOINT_URL": "127.0.0.1:9000"},
            "must be an http(s) URL",
        ),
    ],
)
def test_half_an_s3_configuration_is_refused(environment, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        object_storages(environment)


def test_the_app_refuses_to_start_with_half_an_s3_configuration():
    result = start_django(S3_BUCKET=PUBLIC_BUCKET)
    assert result.returncode != 0
    assert "S3_PRIVATE_BUCKET must be set" in result.stderr


def test_the_app_starts_with_a_whole_s3_configuration():
    result = start_django(**s3_environment("http://127.0.0.1:9"))
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


# --- backups read and write the documents through the same storages -----------------


def empty_bucket(client, bucket: str) -> None:
    for key in keys(client, bucket):
        client.delete_object(Bucket=bucket, Key=key)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_documents_into_both_buckets(s3, tmp_path):
    municipality = make_municipality(name="Zwolle", slug="zwolle")
    motion = make_motion(municipality=municipality)
    motion.document.save("motie.pdf", ContentFile(PDF))
    report = ActionReport.objects.create(
        municipality=municipality, action=ActionReport.Action.ADOPTED
    )
    report.document.save("verslag.pdf", ContentFile(b"%PDF-1.4 verslag"))
    archive = create_backup(tmp_path).archive
    call_command("flush", interactive=False, verbosity=0)
    empty_bucket(s3, PUBLIC_BUCKET)
    empty_bucket(s3, PRIVATE_BUCKET)

    restored = restore_backup(archive)

    assert restored.files == {"default": 1, "private": 1}
    assert keys(s3, PUBLIC_BUCKET) == [motion.document.name]
    assert keys(s3, PRIVATE_BUCKET) == [report.document.name]
    assert ActionReport.objects.get().document.read() == b"%PDF-1.4 verslag"
    grants = s3.get_object_acl(Bucket=PRIVATE_BUCKET, Key=report.document.name)["Grants"]
    assert [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GRANTEES] == []
