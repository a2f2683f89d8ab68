"""The exam model: blueprint, items, forms, attempts and scoring.

Pure code: no I/O, no clock reads (every function that needs the time is given ``now``), and
nothing here imports SQLAlchemy, FastAPI or Typer.
"""
