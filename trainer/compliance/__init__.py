"""Who must do what by when: requirements, assignments, refreshers, regulation updates.

Plain functions over a SQLAlchemy session and dates; no Flask imports.
"""
