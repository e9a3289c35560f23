import pytest

from core.sizes import readable_size


@pytest.mark.parametrize(
    ("size", "said"),
    [
        (0, "0 bytes"),
        (1536, "1,536 bytes"),
        (512 * 1024**2, "512 MB"),
        (1024**3, "1 GB"),
        (3 * 1024**3 // 2, "1.5 GB"),
        (10**13, "9,313.2 GB"),
    ],
)
def test_a_size_reads_as_people_say_it(size: int, said: str) -> None:
    assert readable_size(size) == said
