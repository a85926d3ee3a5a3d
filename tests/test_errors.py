"""The one error root: every error the package raises on purpose is a RegistryError."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import registry
import registry.client
from registry.client import (
    BadRegistryURL,
    ClientError,
    DigestMismatch,
    InvalidResponse,
    RegistryUnavailable,
    SchemaNotFound,
)
from registry.errors import EXIT_PROBLEMS, EXIT_USAGE, PathNotFound, RegistryError, UsageError


def error_classes() -> list[type[BaseException]]:
    """Every public exception class defined in a module of the package."""
    found = []
    for module_info in pkgutil.walk_packages(registry.__path__, "registry."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found.append(value)
    return found


def test_every_error_of_the_package_derives_from_the_root() -> None:
    classes = error_classes()
    assert len(classes) > 20
    strays = [
        f"{cls.__module__}.{cls.__name__}" for cls in classes if not issubclass(cls, RegistryError)
    ]
    assert strays == []
    assert {cls.exit_code for cls in classes if issubclass(cls, RegistryError)} == {
        EXIT_PROBLEMS,
        EXIT_USAGE,
    }


def test_an_error_keeps_message_hint_and_exit_code_apart_and_str_joins_them() -> None:
    error = PathNotFound("x.yaml", "file", "name a schema file")
    assert (error.message, error.hint, error.exit_code) == (
        "x.yaml: no such file",
        "name a schema file",
        EXIT_USAGE,
    )
    assert str(error) == "x.yaml: no such file; name a schema file"
    assert str(RegistryError("only a message")) == "only a message"
    assert RegistryError("m", exit_code=EXIT_USAGE).exit_code == EXIT_USAGE
    assert isinstance(error, UsageError)


def test_the_client_root_still_catches_every_client_error() -> None:
    assert registry.client.RegistryError is RegistryError
    for error in (
        RegistryUnavailable("http://h/", "cannot connect"),
        InvalidResponse("http://h/index.json", "not JSON"),
        DigestMismatch("http://h/a.json", "aa", "bb"),
        SchemaNotFound("http://h/a", "1", "http://h/", "the index lists no such event"),
        BadRegistryURL("ftp://h/", "the registry URL must be http(s)://, file:// or a folder"),
    ):
        with pytest.raises(registry.client.RegistryError):
            raise error
        assert isinstance(error, ClientError)
    assert isinstance(SchemaNotFound("a", None, "u", "r"), LookupError)


def test_a_bad_registry_url_is_a_usage_error_and_still_a_value_error() -> None:
    with pytest.raises(ValueError, match="http\\(s\\)://, file:// or a folder") as raised:
        registry.client.RegistryClient("ftp://example.org/")
    assert isinstance(raised.value, BadRegistryURL)
    assert raised.value.exit_code == EXIT_USAGE


def test_client_errors_hint_at_what_to_do_for_a_client() -> None:
    unavailable = RegistryUnavailable("http://h/", "cannot connect")
    assert unavailable.message == "cannot read http://h/: cannot connect"
    assert "served from the cache" in unavailable.hint
    mismatch = DigestMismatch("http://h/a.json", "aa", "bb")
    assert "changed after publishing" in mismatch.message
    assert mismatch.hint.startswith("republish the registry")
