"""Test-suite settings.

The suite runs under pytest-xdist with one worker per core. PyTorch's default
intra-op thread pool busy-waits, so two workers each using every core ran about
13x slower here than with one thread per worker (tiny networks gain nothing from
more threads). This is a setting of the test processes only; the package never
changes torch's global thread count.
"""

import torch

torch.set_num_threads(1)


import pytest  # noqa: E402


@pytest.fixture
def float64_default():
    """torch's default dtype set to float64 for one test, restored after it."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)
