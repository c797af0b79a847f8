"""Every word of the page, one file per language: ``TAG``, ``MATCHES`` and ``WORDS`` (see ``en.py``). A new language is
one new file here; ``ui/i18n.py`` finds it."""
