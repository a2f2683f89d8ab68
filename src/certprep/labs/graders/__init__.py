"""Graders, one module per artifact kind. Each documents the semantics it implements."""
