"""Turn documents as they arrive into registered sources, and sources into candidate facts."""
