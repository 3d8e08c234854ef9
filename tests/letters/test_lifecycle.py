"""The letter's states: one list, and only the moves it names."""

from typing import get_args

import pytest

from app.letters import lifecycle
from app.letters.lifecycle import MOVES, LetterStatus
from app.letters.models import Letter
from app.letters.schemas import LetterStatus as LetterStatusInAnswers


def test_the_api_answers_the_states_the_lifecycle_knows() -> None:
    assert set(get_args(LetterStatusInAnswers)) == {status.value for status in LetterStatus}
    assert set(MOVES) == set(LetterStatus)


def test_a_move_the_lifecycle_does_not_name_is_refused() -> None:
    with pytest.raises(ValueError, match="from sent to queued"):
        lifecycle.move(Letter.id == "x", [LetterStatus.SENT], LetterStatus.QUEUED)
