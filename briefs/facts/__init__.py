"""Turn the project's YAML files into a checked Project: loading, models, the domain, checks."""
