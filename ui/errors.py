"""Refusing bad input: one ``gr.Error`` in the page's language, and one line in the server's log (no traceback).

A user's typo is not a fault of the server: it gets a message naming the problem, and the log gets a single
``refused`` line. Real faults (anything else that raises) keep Gradio's full traceback.
"""

from __future__ import annotations

import logging

import gradio as gr

from ui.i18n import text

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
