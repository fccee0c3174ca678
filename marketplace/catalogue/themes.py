"""The themes offers are tagged with are French words staff type; the usual ones read in English too."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..web.i18n import current_language

KNOWN_THEMES = {
    "achats": _l("achats"), "action collective": _l("action collective"), "bâtiment": _l("bâtiment"),
    "composites": _l("composites"), "emballage": _l("emballage"), "formation": _l("formation"),
    "industrie": _l("industrie"), "innovation": _l("innovation"), "marchés": _l("marchés"),
    "mécénat": _l("mécénat"), "numérique": _l("numérique"), "parrainage": _l("parrainage"),
    "réglementaire": _l("réglementaire"), "salon": _l("salon"), "silver économie": _l("silver économie"),
    "veille": _l("veille"), "électronique": _l("électronique"), "énergie": _l("énergie"),
    "événementiel": _l("événementiel"), "export": _l("export"), "international": _l("international"),
    "ressources humaines": _l("ressources humaines"), "juridique": _l("juridique"), "financement": _l("financement"),
}


def theme_label(theme: str) -> str:
    """The theme in the interface's language when it is a usual one; as staff typed it otherwise."""
    if current_language() == "fr" or theme not in KNOWN_THEMES:
        return theme
    return str(KNOWN_THEMES[theme])
