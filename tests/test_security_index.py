"""Every SECURITY.md item (1-29) has at least one regression test named ``test_item_NN_...``
in the seven section modules, and each such test quotes its item in a docstring."""

import importlib
import re

MODULES = ("test_security_follower", "test_security_parsing", "test_security_pages",
           "test_security_approval_embargo", "test_security_email", "test_security_feeds",
           "test_security_personal_data")
ITEMS = 29
NAME = re.compile(r"test_item_(\d\d)_")


def _tests():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, function in vars(module).items():
            match = NAME.match(name)
            if match and callable(function):
                yield module_name, int(match.group(1)), function


def test_every_security_item_has_a_named_regression_test():
    covered = {number for _module, number, _function in _tests()}
    assert sorted(set(range(1, ITEMS + 1)) - covered) == []
    assert covered <= set(range(1, ITEMS + 1))


def test_each_item_test_quotes_its_item_number():
    for module_name, number, function in _tests():
        doc = getattr(function, "__doc__", None) or getattr(getattr(function, "hypothesis", None), "inner_test",
                                                            function).__doc__
        assert doc and f"Item {number}" in doc, f"{module_name}.{function.__name__} does not name item {number}"
