"""Alembic migrations of the job database (see service.batch.database); run by the store and `docgen db upgrade`."""
