"""Bad input gets a clear message and exit status 2, never a surprise: no exam started when
one was to be resumed, no database made in a folder that is not there, a driver named."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from certprep.cli.app import app
from certprep.errors import CertprepError
from certprep.runtime import Runtime
from certprep.storage.database import StorageError, make_engine

runner = CliRunner()


def test_exam_resume_with_nothing_to_resume_starts_nothing(runtime: Runtime) -> None:
    result = runner.invoke(app, ["exam", "--resume"], obj=runtime)
    assert result.exit_code == 2
    assert "there is no unfinished exam to resume" in result.output
    assert runtime.exams.history() == []


def test_a_sqlite_url_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'certprep.db'}"
    with pytest.raises(StorageError, match="does not exist: create it"):
        make_engine(url)
    assert not (tmp_path / "no-such-folder").exists()


def test_the_data_directory_is_made_when_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CERTPREP_DATA_DIR", str(tmp_path / "data"))
    make_engine().dispose()
    assert (tmp_path / "data").is_dir()


def test_postgresql_without_its_driver_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def no_psycopg(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("psycopg"):
            raise ModuleNotFoundError("No module named 'psycopg'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(StorageError, match=r"pip install 'certprep\[postgres\]'"):
        make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")


def test_optimize_with_little_history_says_what_it_needs(runtime: Runtime) -> None:
    with pytest.raises(CertprepError, match="needs at least 100 rated answers") as caught:
        runtime.learning.optimize()
    assert "you have 0" in str(caught.value)


def test_optimize_without_pytorch_names_the_extra(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fsrs.optimizer

    def no_torch(*args: object, **kwargs: object) -> None:
        raise ImportError("torch")

    monkeypatch.setattr(fsrs.optimizer, "Optimizer", no_torch)
    monkeypatch.setattr("certprep.services.learning.MIN_REVIEWS_TO_OPTIMIZE", 0)
    with pytest.raises(CertprepError, match=r"certprep\[optimizer\]"):
        runtime.learning.optimize()
