"""One module per platform export; each registers its format(s) with :func:`orgkit.importers.base.register`."""
