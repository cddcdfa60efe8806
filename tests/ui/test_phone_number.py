import pytest

from softphone.ui.phone_number import NumberProblem, clean_number, number_problem


@pytest.mark.parametrize(
    ("pasted", "cleaned"),
    [
        ("+38 (044) 123-45-67", "380441234567"),
        ("044.123.45.67", "0441234567"),
        ("  1001 ", "1001"),
        ("+1\u00a0555\u2013010\u20110", "15550100"),
        ("*72#", "*72#"),
    ],
)
def test_clean_number(pasted: str, cleaned: str) -> None:
    assert clean_number(pasted) == cleaned


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("", NumberProblem.EMPTY),
        ("0441x", NumberProblem.NOT_DIALABLE),
        ("1", NumberProblem.TOO_SHORT),
        ("1" * 33, NumberProblem.TOO_LONG),
        ("1001", None),
        ("*72#", None),
    ],
)
def test_number_problem(number: str, problem: NumberProblem | None) -> None:
    assert number_problem(number) is problem
