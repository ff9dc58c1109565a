"""The textbook notation of a weight or bias: `W1[2,1] = 1.25`, 1-based, checked against sizes."""

import pytest

from tui_nn.textbook.notation import (
    Address,
    NotationError,
    check_address,
    parse_address,
    parse_assignment,
    parse_value,
)

SIZES = (2, 3, 2, 1)  # 2 inputs, hidden 3 and 2, one output: layers 1..3


def test_a_weight_is_row_neuron_column_input_of_the_layers_matrix():
    address, value = parse_assignment("W1[2,1] = 1.25", SIZES)
    assert address == Address(layer=0, row=1, col=0)
    assert value == 1.25
    assert address.text() == "W1[2,1]"


def test_a_bias_has_one_index():
    address, value = parse_assignment("b2[2] = -0.5", SIZES)
    assert address == Address(layer=1, row=1, col=None) and address.is_bias
    assert value == -0.5 and address.text() == "b2[2]"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("w3[1,2]=3e-2", (Address(2, 0, 1), 0.03)),
        ("  W 2 [ 1 , 3 ]  =  +7 ", (Address(1, 0, 2), 7.0)),
        ("WL[1,2] = 1", (Address(2, 0, 1), 1.0)),  # L: the output layer
        ("bL[1] = 0", (Address(2, 0, None), 0.0)),
        ("B1[3] = .5", (Address(0, 2, None), 0.5)),
    ],
)
def test_spellings_that_are_read(text, expected):
    assert parse_assignment(text, SIZES) == expected


@pytest.mark.parametrize(
    "text, words",
    [
        ("W4[1,1] = 1", ["no layer 4", "1..3"]),
        ("W0[1,1] = 1", ["layer counts from 1"]),
        ("W1[4,1] = 1", ["no neuron 4", "layer 1 has 3 neurons"]),
        ("W1[1,3] = 1", ["no input 3", "input layer has 2 inputs"]),
        ("W2[1,4] = 1", ["no input 4", "layer 1 has 3 neurons"]),
        ("W3[2,1] = 1", ["no neuron 2", "output layer has 1 neurons"]),
        ("b2[3] = 1", ["no neuron 3", "layer 2 has 2"]),
        ("W1[0,1] = 1", ["neuron counts from 1"]),
        ("W1[x,1] = 1", ["neuron must be a whole number", "got x"]),
        ("W1[2] = 1", ["a weight has two indices"]),
        ("b1[2,1] = 1", ["a bias has one index"]),
        ("W1[2,1] = abc", ["W1[2,1] must be a number", "'abc'"]),
        ("W1[2,1] = nan", ["finite number", "nan"]),
        ("W1[2,1] = inf", ["finite number", "inf"]),
        ("W1[2,1] = -Infinity", ["finite number"]),
        ("W1[2,1] =", ["missing"]),
        ("W1[2,1] 1.25", ["write <address> = <value>"]),
        ("x1[2,1] = 1", ["cannot read", "W<layer>[<neuron>,<input>]"]),
        ("W1[2,1 = 1", ["cannot read"]),
    ],
)
def test_bad_input_is_refused_naming_what_is_wrong(text, words):
    with pytest.raises(NotationError) as info:
        parse_assignment(text, SIZES)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_an_empty_network_has_no_addresses():
    with pytest.raises(NotationError, match="no layers"):
        parse_address("W1[1,1]", (2,))


def test_value_alone():
    assert parse_value(" -2.5e1 ") == -25.0
    with pytest.raises(NotationError, match="must be a number"):
        parse_value("1,5")


def test_check_address_of_a_parsed_command():
    check_address(Address(2, 0, 1), SIZES)
    check_address(Address(0, 2, None), SIZES)
    for bad, word in [
        (Address(3, 0, 0), "no layer 4"),
        (Address(-1, 0, 0), "no layer 0"),
        (Address(0, 3, 0), "no neuron 4"),
        (Address(0, 0, 2), "no input 3"),
    ]:
        with pytest.raises(NotationError, match=word):
            check_address(bad, SIZES)
