"""The example motion page: read it, fill in a municipality, download it, cite others."""

import datetime
import io

import docx
import pytest
from django.urls import reverse

from kinderpardon.lists import PER_PAGE
from motions.facts import MODEL_MOTION_TEXT
from motions.models import ModelMotion, Motion

from .conftest import make_motion, make_municipality, make_province

pytestmark = pytest.mark.django_db

PAGE = reverse("motions:model_motion")
SLUG = "gewortelde-kinderen"
TITLE = "Motie: bescherm gewortelde asielkinderen"


def make_model_motion(**kwargs) -> ModelMotion:
    kwargs.setdefault("slug", SLUG)
    kwargs.setdefault("title", TITLE)
    kwargs.setdefault("status", ModelMotion.Status.PUBLISHED)
    kwargs.setdefault("introduction", "Gebruik deze motie als vertrekpunt.")
    kwargs.setdefault("text", MODEL_MOTION_TEXT)
    return ModelMotion.objects.create(**kwargs)


def download_url(file_format: str, gemeente: str | None = None, slug: str = SLUG) -> str:
    url = reverse("motions:model_motion_download", kwargs={"slug": slug})
    return f"{url}?formaat={file_format}" + (f"&gemeente={gemeente}" if gemeente else "")


@pytest.fixture
def den_bosch():
    brabant = make_province(name="Noord-Brabant", slug="noord-brabant")
    return make_municipality(name="'s-Hertogenbosch", slug="s-hertogenbosch", province=brabant)


@pytest.fixture
def sudwest_fryslan():
    fryslan = make_province(name="Fryslân", slug="fryslan")
    return make_municipality(name="Súdwest-Fryslân", slug="sudwest-fryslan", province=fryslan)


def test_page_shows_the_published_text_with_readable_placeholders(client):
    make_model_motion()

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert TITLE in html
    assert "De gemeenteraad van [gemeente], in vergadering bijeen," in html
    assert "<li>gewortelde asielkinderen te beschermen;</li>" in html
    assert "{gemeente}" not in html


def test_page_explains_how_to_use_the_motion(client):
    make_model_motion(introduction="Stem de motie af op uw gemeente.")

    html = client.get(PAGE).content.decode()

    assert "Zo gebruikt u deze motie" in html
    assert "Stem de motie af op uw gemeente." in html
    assert 'href="mailto:kinderpardonnu@gmail.com"' in html


def test_choosing_a_municipality_fills_in_its_name(client, den_bosch):
    make_model_motion()

    response = client.get(PAGE, {"gemeente": den_bosch.slug})

    html = response.content.decode()
    assert "De gemeenteraad van &#x27;s-Hertogenbosch, in vergadering bijeen," in html
    assert "{gemeente}" not in html
    assert "[gemeente], in vergadering" not in html


def test_choosing_a_municipality_points_the_downloads_at_it(client, den_bosch):
    make_model_motion()

    html = client.get(PAGE, {"gemeente": den_bosch.slug}).content.decode()

    assert f'href="{download_url("docx", den_bosch.slug).replace("&", "&amp;")}"' in html
    assert f'href="{download_url("txt", den_bosch.slug).replace("&", "&amp;")}"' in html


def test_select_offers_active_municipalities_grouped_by_province(client, den_bosch):
    make_model_motion()
    make_municipality(name="Opgeheven", slug="opgeheven", dissolved_on=datetime.date(2022, 1, 1))

    html = client.get(PAGE).content.decode()

    assert '<label for="id_gemeente">Uw gemeente:</label>' in html
    assert '<optgroup label="Noord-Brabant">' in html
    assert '<option value="s-hertogenbosch">&#x27;s-Hertogenbosch</option>' in html
    assert 'value="opgeheven"' not in html


def test_unknown_municipality_gives_the_page_with_a_message(client):
    make_model_motion()

    response = client.get(PAGE, {"gemeente": "bestaat-niet"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Deze gemeente kennen we niet. Kies uw gemeente uit de lijst." in html
    assert 'aria-invalid="true"' in html
    assert "De gemeenteraad van [gemeente]" in html


def test_dissolved_municipality_is_refused_like_an_unknown_one(client):
    make_model_motion()
    make_municipality(slug="opgeheven", dissolved_on=datetime.date(2022, 1, 1))

    html = client.get(PAGE, {"gemeente": "opgeheven"}).content.decode()

    assert "Deze gemeente kennen we niet." in html


def test_text_download_is_utf8_with_the_municipality_filled_in(client, sudwest_fryslan):
    make_model_motion()

    response = client.get(download_url("txt", sudwest_fryslan.slug))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="voorbeeldmotie-gewortelde-kinderen-sudwest-fryslan.txt"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith(TITLE + "\n\n")
    assert "De gemeenteraad van Súdwest-Fryslân, in vergadering bijeen," in text
    assert "{gemeente}" not in text


def test_word_download_has_the_municipality_and_the_title(client, den_bosch):
    make_model_motion()

    response = client.get(download_url("docx", den_bosch.slug))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = response["Content-Disposition"]
    assert disposition.endswith(
        'filename="voorbeeldmotie-gewortelde-kinderen-s-hertogenbosch.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    assert document.core_properties.title == TITLE
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == TITLE
    assert "De gemeenteraad van 's-Hertogenbosch, in vergadering bijeen," in texts
    assert not any("{gemeente}" in t for t in texts)


def test_word_download_keeps_considerations_and_requests_as_bullets(client):
    make_model_motion()

    response = client.get(download_url("docx"))

    document = docx.Document(io.BytesIO(response.content))
    styles = {p.text: p.style.name if p.style else None for p in document.paragraphs}
    assert styles[TITLE] == "Heading 1"
    assert styles["overwegende dat"] == "Normal"
    assert styles["verzoekt het college het kabinet op te roepen"] == "Normal"
    assert styles["gewortelde asielkinderen te beschermen;"] == "List Bullet"


def test_download_without_municipality_keeps_the_placeholders(client):
    make_model_motion()

    response = client.get(download_url("txt"))

    assert response.status_code == 200
    assert 'filename="voorbeeldmotie-gewortelde-kinderen.txt"' in response["Content-Disposition"]
    assert "De gemeenteraad van [gemeente]," in response.content.decode()


def test_download_for_an_unknown_municipality_is_404(client):
    make_model_motion()

    assert client.get(download_url("docx", "bestaat-niet")).status_code == 404


def test_download_in_an_unknown_format_is_404(client):
    make_model_motion()

    assert client.get(download_url("pdf")).status_code == 404


def test_download_of_an_unknown_example_motion_is_404(client):
    make_model_motion()

    assert client.get(download_url("txt", slug="bestaat-niet")).status_code == 404


def test_draft_only_example_motion_is_shown_labelled_concept(client):
    make_model_motion(status=ModelMotion.Status.DRAFT)

    html = client.get(PAGE).content.decode()

    assert TITLE in html
    assert '<span class="badge-concept">concept</span>' in html
    assert "Dit is een concept" in html
    assert client.get(download_url("txt")).status_code == 200


def test_published_example_motion_is_not_labelled_concept(client):
    make_model_motion()

    assert "badge-concept" not in client.get(PAGE).content.decode()


def test_newer_draft_stays_hidden_while_a_version_is_published(client):
    make_model_motion(version=1, text="Gepubliceerde tekst voor {gemeente}.")
    make_model_motion(version=2, status=ModelMotion.Status.DRAFT, text="Nieuwe concepttekst.")
    make_model_motion(slug="ander-concept", status=ModelMotion.Status.DRAFT, title="Ander concept")

    html = client.get(PAGE).content.decode()
    download = client.get(download_url("txt")).content.decode()

    assert "Gepubliceerde tekst voor [gemeente]." in html
    assert "Nieuwe concepttekst." not in html
    assert "Ander concept" not in html
    assert "Gepubliceerde tekst voor [gemeente]." in download
    assert client.get(download_url("txt", slug="ander-concept")).status_code == 404


def test_archived_example_motion_is_not_shown(client):
    make_model_motion(status=ModelMotion.Status.ARCHIVED)

    response = client.get(PAGE)

    assert TITLE not in response.content.decode()
    assert "Er staat nog geen voorbeeldmotie klaar." in response.content.decode()
    assert client.get(download_url("txt")).status_code == 404


def test_adopted_motions_are_listed_newest_first_with_precision_dates(client):
    make_model_motion()
    amsterdam = make_motion(
        municipality=make_municipality(name="Amsterdam"),
        decided_on=datetime.date(2024, 1, 1),
        decided_precision="year",
    )
    kampen = make_motion(
        municipality=make_municipality(name="Kampen"),
        decided_on=datetime.date(2025, 4, 1),
        decided_precision="month",
    )

    html = client.get(PAGE).content.decode()

    kampen_link = f'<a href="{kampen.get_absolute_url()}">Kampen</a> <span class="muted">'
    amsterdam_link = f'<a href="{amsterdam.get_absolute_url()}">Amsterdam</a> <span class="muted">'
    assert kampen_link + "april 2025</span>" in html
    assert amsterdam_link + "2024</span>" in html
    assert html.index(kampen_link) < html.index(amsterdam_link)


def test_only_adopted_public_municipal_motions_are_cited(client):
    make_model_motion()
    make_motion(municipality=make_municipality(name="Verwierp"), status=Motion.Status.REJECTED)
    make_motion(municipality=make_municipality(name="Concept"), status=Motion.Status.DRAFT)
    make_motion(level=Motion.Level.NATIONAL, title="Landelijke motie")

    html = client.get(PAGE).content.decode()

    assert "Er zijn nog geen aangenomen moties bekend." in html
    assert ">Verwierp</a>" not in html
    assert ">Concept</a>" not in html


@pytest.mark.parametrize("size", [3, 60])
def test_page_query_count_does_not_grow(client, django_assert_num_queries, size, den_bosch):
    make_model_motion()
    for _ in range(size):
        make_motion(municipality=make_municipality())
    # 1: example motions; 2: the chosen municipality (form validation);
    # 3: how many adopted motions (for the pages); 4: one page of them with their
    # municipality; 5: municipalities for the <select>
    with django_assert_num_queries(5):
        response = client.get(PAGE, {"gemeente": den_bosch.slug})
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_download_query_count_does_not_grow(client, django_assert_num_queries, size, den_bosch):
    make_model_motion()
    for _ in range(size):
        make_municipality()
    # 1: example motions; 2: the chosen municipality with its province
    with django_assert_num_queries(2):
        client.get(download_url("docx", den_bosch.slug))


def test_adopted_motions_come_a_page_at_a_time_keeping_the_chosen_municipality(client, den_bosch):
    make_model_motion()
    for number in range(PER_PAGE + 3):
        make_motion(
            municipality=make_municipality(name=f"Gemeente {number:03}"),
            decided_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
        )

    first = client.get(PAGE, {"gemeente": den_bosch.slug}).content.decode()
    second = client.get(PAGE, {"gemeente": den_bosch.slug, "page": 2}).content.decode()

    def cited(html: str) -> str:
        return html.split('class="cite-list"')[1].split("</ul>")[0]

    assert cited(first).count("<li>") == PER_PAGE
    assert ">Gemeente 052</a>" in cited(first) and ">Gemeente 002</a>" not in cited(first)
    assert cited(second).count("<li>") == 3
    assert ">Gemeente 002</a>" in cited(second) and ">Gemeente 003</a>" not in cited(second)
    assert f'href="?gemeente={den_bosch.slug}&amp;page=2" rel="next"' in first
    assert "Hertogenbosch" in second.split('class="cite"')[0]  # still filled in for it
