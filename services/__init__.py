"""Use cases that touch several models; rules live here and in ``matching/``, not in views."""
