"""The campaign's known facts, as plain data, and one idempotent loader.

Everything here comes from the two campaign letters: the KinderpardonNU
letter to the municipal councils and the Werkgroep Kind in azc letter for the
cabinet formation. Nothing is filled in that the letters do not say (no vote
counts, no texts, no days where only a month or a year is known).

The loader creates what is missing and leaves what is present alone, so
coordinators' corrections survive a second run. Natural keys: a party's name,
a source's title, a municipal motion's (municipality, title), a national
motion's title, a sponsorship's (motion, member name).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction

from kinderpardon.dates import DatePrecision
from municipalities.models import Municipality, Party

from .models import ModelMotion, Motion, MotionEvent, Source, Sponsorship

DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR


@dataclass(frozen=True)
class PartyFact:
    name: str
    abbreviation: str


@dataclass(frozen=True)
class SourceFact:
    title: str
    publisher: str
    kind: Source.Kind
    published_on: datetime.date
    precision: DatePrecision
    url: str = ""
    reference: str = ""


@dataclass(frozen=True)
class MunicipalMotionFact:
    code: str
    name: str  # only for the error message when the register lacks the code
    decided_on: datetime.date
    precision: DatePrecision


@dataclass(frozen=True)
class NationalMotionFact:
    title: str
    summary: str
    member_name: str
    party_name: str


NATIONAL_PARTIES = (
    PartyFact("Volkspartij voor Vrijheid en Democratie", "VVD"),
    PartyFact("Partij voor de Vrijheid", "PVV"),
    PartyFact("Christen-Democratisch Appèl", "CDA"),
    PartyFact("Democraten 66", "D66"),
    PartyFact("GroenLinks-PvdA", "GL-PvdA"),
    PartyFact("GroenLinks", "GL"),
    PartyFact("Partij van de Arbeid", "PvdA"),
    PartyFact("Socialistische Partij", "SP"),
    PartyFact("Partij voor de Dieren", "PvdD"),
    PartyFact("ChristenUnie", "CU"),
    PartyFact("Staatkundig Gereformeerde Partij", "SGP"),
    PartyFact("DENK", "DENK"),
    PartyFact("Forum voor Democratie", "FvD"),
    PartyFact("JA21", "JA21"),
    PartyFact("Volt", "Volt"),
    PartyFact("BoerBurgerBeweging", "BBB"),
    PartyFact("Nieuw Sociaal Contract", "NSC"),
    PartyFact("50PLUS", "50PLUS"),
    PartyFact("BIJ1", "BIJ1"),
)

KINDERPARDON_LETTER = SourceFact(
    title="Brief aan de fractievoorzitters en de griffier van de gemeenteraden",
    publisher="KinderpardonNU",
    kind=Source.Kind.LETTER,
    # It names motions of April 2025, so it was written in 2025.
    published_on=datetime.date(2025, 1, 1),
    precision=YEAR,
)

WERKGROEP_LETTER = SourceFact(
    title="Brief Werkgroep Kind in azc ten behoeve van de formatie",
    publisher="Werkgroep Kind in azc",
    kind=Source.Kind.LETTER,
    # It cites motions of 2 October 2025.
    published_on=datetime.date(2025, 1, 1),
    precision=YEAR,
)

# The Werkgroep letter's footnotes 1 and 2, and the quality framework it names,
# with the URLs its list gives for them.
CITED_SOURCES = (
    SourceFact(
        title="Brief Toezicht Inspectie Justitie en Veiligheid Ter Apel",
        publisher="Inspectie Justitie en Veiligheid",
        kind=Source.Kind.LETTER,
        published_on=datetime.date(2025, 1, 15),
        precision=DAY,
        url="https://www.inspectie-jenv.nl/documenten/2025/01/15/brief-toezicht-inspectie-justitie-en-veiligheid-ter-apel",
    ),
    SourceFact(
        title=(
            "Het risico op blijvende gezondheidsschade vereist nu verbetering "
            "voor de meest kwetsbare asielzoekers"
        ),
        publisher="Inspectie Gezondheidszorg en Jeugd",
        kind=Source.Kind.REPORT,
        published_on=datetime.date(2025, 2, 26),
        precision=DAY,
        url="https://www.igj.nl/publicaties/publicaties/2025/02/26/het-risico-op-blijvende-gezondheidsschade-vereist-nu-verbetering-voor-de-meest-kwetsbare-asielzoekers",
    ),
    SourceFact(
        title="Gebrek aan verbetering situatie asielkinderen vraagt om direct ingrijpen",
        publisher=(
            "Inspectie Justitie en Veiligheid, Inspectie Gezondheidszorg en Jeugd, "
            "Inspectie van het Onderwijs, en Nederlandse Arbeidsinspectie"
        ),
        kind=Source.Kind.LETTER,
        published_on=datetime.date(2023, 5, 3),
        precision=DAY,
        url="https://www.inspectie-jenv.nl/actueel/nieuws/2023/05/03/inspecties-veiligheid-en-ontwikkeling-van-kinderen-in-asielopvang-nog-steeds-in-gevaar",
    ),
    SourceFact(
        title="Goed geregeld: asielopvang als maatschappelijke opgave",
        publisher="Adviesraad Migratie en Raad voor het Openbaar Bestuur",
        kind=Source.Kind.REPORT,
        published_on=datetime.date(2025, 3, 26),
        precision=DAY,
        url="https://www.adviesraadmigratie.nl/publicaties/adviezen/2025/03/26/asielopvang-als-maatschappelijke-opgave",
    ),
    SourceFact(
        title=(
            "Gevlucht en Vergeten? No.2 - Leefomstandigheden in de (crisis)- noodopvang "
            "voor asielzoekers"
        ),
        publisher="VluchtelingenWerk Nederland",
        kind=Source.Kind.REPORT,
        published_on=datetime.date(2024, 1, 11),
        precision=DAY,
        url="https://www.vluchtelingenwerk.nl/nl/artikelen/persbericht/rapport-steeds-meer-mensen-de-noodopvang-maar-situatie-nog-steeds-onmenselijk",
    ),
    SourceFact(
        title="We moeten het als ons thuis zien, maar zo voelt het niet",
        publisher="VluchtelingenWerk Nederland",
        kind=Source.Kind.REPORT,
        published_on=datetime.date(2024, 12, 1),
        precision=MONTH,
        url="https://www.vluchtelingenwerk.nl/sites/default/files/2024-12/Onderzoek-ervaringen-behoeften-vluchtelingen-opvang-2024.pdf",
    ),
    SourceFact(
        title="Uitzichtloos in de opvang",
        publisher="Pharos, Rode Kruis, en Dokters van de Wereld",
        kind=Source.Kind.REPORT,
        published_on=datetime.date(2024, 12, 18),
        precision=DAY,
        url="https://www.pharos.nl/kennisbank/rapport-uitzichtloos-in-de-opvang/",
    ),
    SourceFact(
        title="Kinderrechtencollectief: 65% meer kinderen in noodopvang is onacceptabel",
        publisher="Kinderrechten.nl",
        kind=Source.Kind.ARTICLE,
        published_on=datetime.date(2024, 10, 22),
        precision=DAY,
        url="https://www.kinderrechten.nl/kinderrechtencollectief-65-meer-kinderen-in-noodopvang-is-onacceptabel/",
    ),
    SourceFact(
        title=(
            "verbiedt de Staat en het COA om kwetsbare asielzoekers in een noodopvanglocatie "
            "of een crisisnoodopvanglocatie plaatsen, tenzij in die locatie in hun specifieke "
            "opvangbehoefte kan worden voorzien"
        ),
        publisher="Gerechtshof Den Haag",
        kind=Source.Kind.RULING,
        published_on=datetime.date(2022, 12, 20),
        precision=DAY,
        reference="ECLI:NL:GHDHA:2022:2429",
        url="https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:GHDHA:2022:2429",
    ),
    SourceFact(
        title="Uitgangspunten Kindvriendelijke en Veilige Asielopvang",
        publisher="Werkgroep Kind in azc",
        kind=Source.Kind.REPORT,
        published_on=datetime.date(2025, 1, 1),
        precision=YEAR,
        url="https://kind-in-azc.nl/wp-content/uploads/2025/03/Kia-uitgangspunten-A4-PDF.pdf",
    ),
)

SOURCES = (KINDERPARDON_LETTER, WERKGROEP_LETTER, *CITED_SOURCES)

# "Recent zijn in meerdere gemeenten moties aangenomen die vragen om een
# pleidooi voor gewortelde kinderen": the councils and dates the letter names.
MUNICIPAL_MOTION_TITLE = "Motie: pleidooi voor gewortelde kinderen"
MUNICIPAL_MOTION_SUMMARY = (
    "Aangenomen motie die vraagt om een pleidooi voor gewortelde kinderen, "
    "volgens de brief van KinderpardonNU aan de gemeenteraden."
)
MUNICIPAL_MOTIONS = (
    MunicipalMotionFact("GM0935", "Maastricht", datetime.date(2024, 1, 1), YEAR),
    MunicipalMotionFact("GM0917", "Heerlen", datetime.date(2024, 1, 1), YEAR),
    MunicipalMotionFact("GM1954", "Beekdaelen", datetime.date(2024, 1, 1), YEAR),
    MunicipalMotionFact("GM0363", "Amsterdam", datetime.date(2024, 1, 1), YEAR),
    MunicipalMotionFact("GM0307", "Amersfoort", datetime.date(2025, 3, 1), MONTH),
    MunicipalMotionFact("GM0166", "Kampen", datetime.date(2025, 4, 1), MONTH),
    MunicipalMotionFact("GM0216", "Culemborg", datetime.date(2025, 4, 1), MONTH),
)

# Motions the Tweede Kamer adopted on 2 October 2025, as the Werkgroep letter
# lists them; the summary is the letter's wording. The letter writes "PvdA/GL"
# for Piri: the GroenLinks-PvdA group in the Kamer.
NATIONAL_MOTIONS_DECIDED_ON = datetime.date(2025, 10, 2)
NATIONAL_MOTIONS = (
    NationalMotionFact(
        title="Motie-Van Nispen over minimale eisen voor opvanglocaties waar kinderen verblijven",
        summary="Minimale eisen voor opvanglocaties waar kinderen verblijven.",
        member_name="Van Nispen",
        party_name="Socialistische Partij",
    ),
    NationalMotionFact(
        title=(
            "Motie-Piri over het minimaal een week van tevoren informeren van ouders "
            "van asielkinderen bij verhuizing"
        ),
        summary="Ouders van asielkinderen minimaal een week van tevoren informeren bij verhuizing.",
        member_name="Piri",
        party_name="GroenLinks-PvdA",
    ),
    NationalMotionFact(
        title=(
            "Motie-Van Zanten over het met voorrang behandelen van asiel- en beroepszaken "
            "met kinderen"
        ),
        summary="Asiel- en beroepszaken met kinderen met voorrang behandelen.",
        member_name="Van Zanten",
        party_name="Nieuw Sociaal Contract",
    ),
    NationalMotionFact(
        title=(
            "Motie-Van Nispen over voorzieningen zoals onderwijs en speelruimte op opvanglocaties"
        ),
        summary=(
            "Zorgen dat opvanglocaties beschikken over voorzieningen zoals onderwijs "
            "en speelruimte."
        ),
        member_name="Van Nispen",
        party_name="Socialistische Partij",
    ),
    NationalMotionFact(
        title=(
            "Motie-Podt over het structureel verankeren van psychosociale ondersteuning "
            "in alle vormen van opvang"
        ),
        summary=(
            "Om psychosociale ondersteuning structureel te verankeren in alle vormen van opvang."
        ),
        member_name="Podt",
        party_name="Democraten 66",
    ),
)

# The example motion the KinderpardonNU letter asks councils to submit.
MODEL_MOTION_SLUG = "gewortelde-kinderen"
MODEL_MOTION_TITLE = "Motie: bescherm gewortelde asielkinderen"
MODEL_MOTION_INTRODUCTION = (
    "Gebruik deze voorbeeldmotie als vertrekpunt voor uw eigen motie en stem haar af op "
    "de situatie in uw gemeente. "
    "Op deze site vindt u de gemeenten waar al een vergelijkbare motie is aangenomen. "
    "Dient uw fractie de motie in, of onderneemt uw raad een andere actie, laat het de "
    "campagne dan weten via kinderpardonnu@gmail.com."
)
MODEL_MOTION_TEXT = """\
De gemeenteraad van {gemeente}, in vergadering bijeen,

overwegende dat
- kinderen die al jaren in Nederland wonen en hier geworteld zijn, dreigen te worden uitgezet;
- lange procedures voor een verblijfsvergunning zorgen voor stress en onzekerheid, zeker bij \
kinderen, en dat deskundigen en onderzoek erop wijzen dat uitzetting na jaren van verblijf in \
Nederland ernstige psychische schade veroorzaakt;
- het VN-Kinderrechtenverdrag in artikel 3, eerste lid, bepaalt dat bij alle maatregelen die \
kinderen betreffen de belangen van het kind een eerste overweging vormen;
- ook in {gemeente} kinderen in deze situatie kunnen wonen, die hier naar school gaan, vrienden \
maken en sporten, en voor wie Nederland thuis is;

verzoekt het college het kabinet op te roepen
- gewortelde asielkinderen te beschermen;
- bij elke beslissing over deze kinderen het belang van het kind een eerste overweging te laten \
zijn;
- de rechten van asielkinderen in de wet te verankeren;

verzoekt het college voorts deze motie toe te sturen aan het kabinet, de Tweede Kamer en de \
Vereniging van Nederlandse Gemeenten (VNG),

en gaat over tot de orde van de dag.
"""


class MissingMunicipalities(Exception):
    """The municipal register lacks municipalities that the facts refer to."""

    def __init__(self, missing: list[MunicipalMotionFact]):
        self.missing = missing
        names = ", ".join(f"{fact.name} ({fact.code})" for fact in missing)
        super().__init__(
            f"Deze gemeenten staan niet in het register: {names}. Importeer eerst het "
            "gemeenteregister met 'python manage.py import_municipalities'; er is niets geladen."
        )


# The kinds the summary counts, in the order the command prints them.
KINDS = (
    "partijen",
    "bronnen",
    "gemeentelijke moties",
    "landelijke moties",
    "indieners",
    "tijdlijn",
    "voorbeeldmoties",
)


@dataclass
class Summary:
    """How many rows of each kind were created, and how many were already there."""

    created: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)

    @property
    def created_total(self) -> int:
        return sum(self.created.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {self.created[kind]} nieuw, {self.present[kind]} al aanwezig"
            for kind in KINDS
        ]


M = TypeVar("M", bound=models.Model)


def _ensure(
    summary: Summary,
    kind: str,
    queryset: models.QuerySet[M] | models.Manager[M],
    lookup: dict[str, Any],
    defaults: dict[str, Any] | None = None,
) -> M:
    """Get the row by its natural key or create it; count which of the two."""
    obj, created = queryset.get_or_create(**lookup, defaults=defaults or {})
    (summary.created if created else summary.present)[kind] += 1
    return obj


def _municipalities() -> dict[str, Municipality]:
    codes = [fact.code for fact in MUNICIPAL_MOTIONS]
    found = Municipality.objects.in_bulk(codes, field_name="code")
    missing = [fact for fact in MUNICIPAL_MOTIONS if fact.code not in found]
    if missing:
        raise MissingMunicipalities(missing)
    return found


def _source(summary: Summary, fact: SourceFact) -> Source:
    return _ensure(
        summary,
        "bronnen",
        Source.objects,
        {"title": fact.title},
        {
            "publisher": fact.publisher,
            "kind": fact.kind,
            "published_on": fact.published_on,
            "published_precision": fact.precision,
            "reference": fact.reference,
            "url": fact.url,
        },
    )


@transaction.atomic
def load_campaign_facts() -> Summary:
    """Load the parties, sources, motions and example motion the letters name.

    Creates only what is missing and never changes an existing row. Raises
    MissingMunicipalities, before writing anything, when the register lacks
    one of the councils.
    """
    municipalities = _municipalities()
    summary = Summary()

    parties = {
        fact.name: _ensure(
            summary,
            "partijen",
            Party.objects,
            {"name": fact.name, "municipality": None},
            {"abbreviation": fact.abbreviation, "scope": Party.Scope.NATIONAL},
        )
        for fact in NATIONAL_PARTIES
    }
    sources = {fact: _source(summary, fact) for fact in SOURCES}

    for fact in MUNICIPAL_MOTIONS:
        motion = _ensure(
            summary,
            "gemeentelijke moties",
            Motion.objects,
            {"municipality": municipalities[fact.code], "title": MUNICIPAL_MOTION_TITLE},
            {
                "level": Motion.Level.MUNICIPAL,
                "kind": Motion.Kind.MOTION,
                "status": Motion.Status.ADOPTED,
                "decided_on": fact.decided_on,
                "decided_precision": fact.precision,
                "summary": MUNICIPAL_MOTION_SUMMARY,
            },
        )
        motion.sources.add(sources[KINDERPARDON_LETTER])

    for national in NATIONAL_MOTIONS:
        motion = _ensure(
            summary,
            "landelijke moties",
            Motion.objects.national(),
            {"title": national.title, "municipality": None},
            {
                "level": Motion.Level.NATIONAL,
                "kind": Motion.Kind.MOTION,
                "status": Motion.Status.ADOPTED,
                "decided_on": NATIONAL_MOTIONS_DECIDED_ON,
                "decided_precision": DAY,
                "summary": national.summary,
            },
        )
        motion.sources.add(sources[WERKGROEP_LETTER])
        _ensure(
            summary,
            "indieners",
            Sponsorship.objects,
            {"motion": motion, "member_name": national.member_name},
            {"party": parties[national.party_name], "role": Sponsorship.Role.SUBMITTER},
        )
        _ensure(
            summary,
            "tijdlijn",
            MotionEvent.objects,
            {
                "motion": motion,
                "kind": MotionEvent.Kind.VOTED,
                "happened_on": NATIONAL_MOTIONS_DECIDED_ON,
            },
            {"happened_precision": DAY, "note": "Aangenomen door de Tweede Kamer."},
        )

    _ensure(
        summary,
        "voorbeeldmoties",
        ModelMotion.objects,
        {"slug": MODEL_MOTION_SLUG, "version": 1},
        {
            "title": MODEL_MOTION_TITLE,
            "status": ModelMotion.Status.DRAFT,
            "introduction": MODEL_MOTION_INTRODUCTION,
            "text": MODEL_MOTION_TEXT,
        },
    )
    return summary
