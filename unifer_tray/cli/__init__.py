"""The ``unifer`` command line: a thin shell over :mod:`unifer_tray.pipeline`."""
