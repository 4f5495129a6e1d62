"""Alembic migrations of the MakerNet schema."""
