"""Every word on the page, by language, and the one rule that picks a visitor's language (no Gradio here).

The words live in ``ui/words/``, one file per language (``TAG``, ``MATCHES``, ``WORDS``): a new language is one new
file there. Static labels go through ``gr.I18n`` (the browser's language picks); text the server writes at run time
(the reading's captions, the lab's explanations) follows the page's language, or for an API caller its
``Accept-Language``. :func:`match_language` picks, on the server, and :data:`MATCH_LANGUAGE_JS`, the same rule with
the same table from this module, in the page.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Iterable
from types import ModuleType

import ui.words

DEFAULT_LANGUAGE = "en"


def _word_files() -> list[ModuleType]:
    """Every words file in ``ui/words/``, English first."""
    found = [importlib.import_module(f"ui.words.{info.name}") for info in pkgutil.iter_modules(ui.words.__path__)]
    return sorted(found, key=lambda module: (module.TAG != DEFAULT_LANGUAGE, module.TAG))


_FILES = _word_files()
LANGUAGES: tuple[str, ...] = tuple(module.TAG for module in _FILES)
#: Every word of the page, by language.
TEXTS: dict[str, dict[str, str]] = {module.TAG: module.WORDS for module in _FILES}
#: Keys whose words may use any of these parameters (the code passes them all): English says the GPU's reason by
#: its short name (``{code}``, as the API always has), other languages by its phrase (``{reason}``). Every other key's
#: words use exactly English's parameters.
FREE_PARAMETERS: dict[str, set[str]] = {"status_gpu_fallback": {"device", "code", "reason"}}
#: Which language a browser's language tag picks: ``(prefix, language)``, longest prefix first.
LANGUAGE_RULES: list[tuple[str, str]] = sorted(
    ((prefix.lower(), module.TAG) for module in _FILES for prefix in module.MATCHES), key=lambda rule: -len(rule[0])
)


def match_language(tags: Iterable[str | None]) -> str:
    """The page's language for language tags in the visitor's order of preference: the first tag that starts with a
    language's prefix picks it; none does, English."""
    for tag in tags:
        tag = (tag or "").strip().lower()
        for prefix, language in LANGUAGE_RULES:
            if tag.startswith(prefix):
                return language
    return DEFAULT_LANGUAGE


#: :func:`match_language` for the page's JavaScript: ``(tags) => language``, with the table above.
MATCH_LANGUAGE_JS = """(tags) => {
  const rules = RULES;
  for (const tag of tags) {
    const lower = String(tag || '').trim().toLowerCase();
    for (const [prefix, language] of rules) if (lower.startsWith(prefix)) return language;
  }
  return DEFAULT;
}""".replace("RULES", json.dumps(LANGUAGE_RULES)).replace("DEFAULT", json.dumps(DEFAULT_LANGUAGE))


def language_from_header(accept_language: str | None) -> str:
    """The language an ``Accept-Language`` header prefers: its tags by weight, then :func:`match_language`."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, position, tag.strip()))
    return match_language(tag for _, _, tag in sorted(ranked))


def words(language: str) -> dict[str, str]:
    """Every word in ``language`` (English for a language the page does not have)."""
    return TEXTS.get(language, TEXTS[DEFAULT_LANGUAGE])


def text(key: str, language: str) -> str:
    """One string in ``language`` (falling back to English)."""
    return words(language).get(key, TEXTS[DEFAULT_LANGUAGE][key])


def canvas_texts() -> dict[str, dict[str, str]]:
    """The canvas's own words, for its JavaScript (which picks with :data:`MATCH_LANGUAGE_JS`)."""
    keys = {"brush": "canvas_brush", "eraser": "canvas_eraser", "undo": "canvas_undo", "clear": "canvas_clear"}
    keys |= {"examples": "canvas_examples", "canvas": "canvas_label", "example": "canvas_example"}
    return {lang: {short: TEXTS[lang][key] for short, key in keys.items()} for lang in LANGUAGES}
