from __future__ import annotations

import pytest

from tests.s3_server import moto_server


def test_a_server_that_cannot_start_fails_with_the_reason() -> None:
    server = moto_server(module="no_such_moto")
    with pytest.raises(
        RuntimeError, match=r"(?s)exited with 1.*moto\[server\].*No module named no_such_moto"
    ):
        server.__enter__()
