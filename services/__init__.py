"""The clientela services, one package each.

They are found through the ``clientela.services`` entry-point group (see
pyproject.toml and :mod:`clientela.discovery`), never imported by the core.
"""
