"""Test-suite settings.

The suite runs under pytest-xdist with one worker per core. PyTorch's default
intra-op thread pool busy-waits, so two workers each using every core ran about
13x slower here than with one thread per worker (tiny networks gain nothing from
more threads). This is a setting of the test processes only; the package never
changes torch's global thread count.
"""

import torch

torch.set_num_threads(1)
