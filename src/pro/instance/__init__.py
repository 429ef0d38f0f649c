"""Render the Zope instance configuration of PRO from one YAML file.

Plone's cookiecutter-zope-instance template is not published on PyPI, so PRO
carries this small module instead. It reads ``instance.yaml``, which uses the
cookiecutter's key names (``db_storage``, ``db_relstorage_postgresql_dsn``, ...),
checks every value, and writes ``etc/zope.conf`` and ``etc/zope.ini`` under the
instance's variable-data folder. ``pro-instance`` is its command line.
"""
