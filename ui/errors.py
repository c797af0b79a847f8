"""Refusing bad input: one ``gr.Error`` in the page's language, and one line in the server's log (no traceback).

A user's typo is not a fault of the server: it gets a message naming the problem, and the log gets a single
``refused`` line. Real faults (anything else that raises) keep Gradio's full traceback.
"""

from __future__ import annotations

import json
import logging
import re

import gradio as gr

from ui.i18n import LANGUAGES, MATCH_LANGUAGE_JS, text

log = logging.getLogger("touch_pytorch")
if not log.handlers:  # one plain line per refusal on stderr, next to Gradio's own output
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def refuse(message: str, language: str, *, where: str = "", english: str | None = None) -> gr.Error:
    """A ``gr.Error`` carrying ``message`` (already in ``language``) under a title in that language; logs one line.

    ``where`` names the endpoint or control for the log; ``english`` is the English message for the log when
    ``message`` is not English. Raise the result: ``raise refuse(...) from error``.
    """
    log.info("refused input%s: %s", f" ({where})" if where else "", english or message)
    return gr.Error(message, title=text("error_title", language), print_exception=False)


def refuse_text(key: str, language: str, *, where: str = "", **params: object) -> gr.Error:
    """:func:`refuse` with the words of ``key`` (formatted with ``params``) in ``language``, and in English for the
    log."""
    english = text(key, "en").format(**params)
    return refuse(text(key, language).format(**params), language, where=where, english=english)


#: A message that starts with one of the lab's tensors (``x``, ``y``, ``z[2]``) keeps its case: ``X`` is another name.
_CODE_NAME_FIRST = re.compile(r"^[xyz](\[[^\]]*\])?(?=[\s:,]|$)")


def sentence(message: str, language: str) -> str:
    """``message`` as a sentence: a capital first letter (unless it starts with a name from the code) and a full stop
    at the end (``。`` in Chinese), as every other message on the page is written."""
    message = message.strip()
    if not message:
        return message
    if language == "en" and message[0].islower() and not _CODE_NAME_FIRST.match(message):
        message = message[0].upper() + message[1:]
    stop = "。" if language.startswith("zh") else "."
    return message if message[-1] in ".!?。！？" else message + stop


def translated(error: Exception, language: str, prefix: str) -> str:
    """An error that names its problem (``key`` and ``params``, as model/preprocess.py's ``DrawingError`` does) in
    ``language``, from the ``{prefix}{key}`` text; its English ``str()`` when it names none. An error that words
    itself (a ``message(language)`` method) says it in its own words."""
    if callable(getattr(error, "message", None)):
        return error.message(language)
    key = getattr(error, "key", None)
    if key is None:
        return str(error)
    return text(f"{prefix}{key}", language).format(**getattr(error, "params", {}))


def refuse_drawing(error: Exception, language: str, *, where: str = "") -> gr.Error:
    """:func:`refuse` for a ``DrawingError``: its message in ``language``, its English in the log."""
    return refuse(translated(error, language, "drawing_"), language, where=where, english=str(error))


#: Run in the page on load: error toasts get their title in the page's language. Gradio 6.31's page never shows the
#: title a gr.Error carries (it reads ``status._title``, while the server sends ``title``), so every toast says
#: "Error"; this puts the page's own word there instead.
ERROR_TITLE_JS = """() => {
  const titles = TITLES;
  const title = titles[(MATCH)([navigator.language || 'en'])];
  if (title === 'Error') return;
  const retitle = () => document.querySelectorAll('.toast-title.error').forEach(node => {
    const words = node.firstChild;
    if (words && words.nodeType === Node.TEXT_NODE && words.data.trim() === 'Error') words.data = title + ' ';
  });
  new MutationObserver(retitle).observe(document.body, { childList: true, subtree: true });
}""".replace("TITLES", json.dumps({language: text("error_title", language) for language in LANGUAGES})).replace(
    "MATCH", MATCH_LANGUAGE_JS
)
