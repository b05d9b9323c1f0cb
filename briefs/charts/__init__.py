"""Turn chart specifications and their facts into SVG charts."""
