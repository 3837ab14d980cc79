"""States' names in French and Spanish: Babel's (CLDR) territory names, corrected
to the United Nations' forms where the common short name is not what UN
documents use ("République de Corée", not "Corée du Sud")."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

LANGUAGES = ("fr", "es")

# The UN terminology forms (UNTERM) where CLDR's everyday name differs; everything
# else is CLDR's name as it is. Keys are ISO 3166-1 alpha-2 codes.
UN_FORMS = {
    "fr": {
        "BN": "Brunéi Darussalam", "BO": "Bolivie (État plurinational de)", "CD": "République démocratique du Congo",
        "CG": "Congo", "FM": "Micronésie (États fédérés de)", "GB": "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
        "IR": "Iran (République islamique d')", "KP": "République populaire démocratique de Corée",
        "KR": "République de Corée", "LA": "République démocratique populaire lao", "MD": "République de Moldova",
        "NL": "Pays-Bas (Royaume des)", "PS": "État de Palestine", "RU": "Fédération de Russie",
        "SY": "République arabe syrienne", "TL": "Timor-Leste", "TR": "Türkiye",
        "TZ": "République-Unie de Tanzanie", "US": "États-Unis d'Amérique", "VA": "Saint-Siège",
        "VE": "Venezuela (République bolivarienne du)", "VN": "Viet Nam", "CI": "Côte d'Ivoire", "CV": "Cabo Verde",
    },
    "es": {
        "BO": "Bolivia (Estado Plurinacional de)", "FM": "Micronesia (Estados Federados de)",
        "GB": "Reino Unido de Gran Bretaña e Irlanda del Norte", "IR": "Irán (República Islámica del)",
        "KP": "República Popular Democrática de Corea", "KR": "República de Corea",
        "LA": "República Democrática Popular Lao", "MD": "República de Moldova", "NL": "Países Bajos (Reino de los)",
        "PS": "Estado de Palestina", "RU": "Federación de Rusia", "SY": "República Árabe Siria", "TR": "Türkiye",
        "TZ": "República Unida de Tanzanía", "US": "Estados Unidos de América", "VA": "Santa Sede",
        "VE": "Venezuela (República Bolivariana de)", "VN": "Viet Nam", "BN": "Brunei Darussalam",
        "SZ": "Eswatini", "CI": "Côte d'Ivoire",
    },
}


@lru_cache(maxsize=len(LANGUAGES))
def _territories(language: str) -> dict[str, str]:
    return dict(Locale(language).territories)


def state_name(code: str, language: str) -> str:
    """The name of the State with ISO code ``code`` in ``language`` ('fr' or 'es'); '' if unknown."""
    if language not in LANGUAGES:
        raise ValueError(f"no State names in {language!r}")
    code = code.upper()
    return UN_FORMS[language].get(code) or _territories(language).get(code, "")
