"""Loading and linting the YAML item bank."""
