"""Translation texts per feature; merged into one table by ``dashboard.i18n``."""
