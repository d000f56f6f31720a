"""Storage: SQLAlchemy models, engine set-up and migrations. No business rules live here."""
