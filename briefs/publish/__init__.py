"""Turn rendered HTML into PDFs: typesetting, PDF standards and the data attached."""
