"""The web calculator (``bounds serve``, extra ``web``): a page and a JSON API over the CLI."""
