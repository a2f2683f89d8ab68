"""Use cases. Interfaces (CLI, web) call these and nothing below them; a service owns the
transaction of each call."""
