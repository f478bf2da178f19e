"""Latency benchmark; check_device comes from the GPU benchmark, which refuses to time a model left on the CPU."""
import time

import torch
import torch.nn as nn

DEVICE = torch.device("cpu")  # CPU inference benchmark; check_device is shared with the GPU benchmark


def check_device(model, batch):
    param_device = next(model.parameters()).device
    assert param_device.type == "cuda" and batch.device == param_device, (
        f"Expected all tensors to be on the same CUDA device, got model on {param_device} and batch on {batch.device}")


model = nn.Sequential(nn.Embedding(1000, 64), nn.Flatten(), nn.Linear(64 * 16, 4)).to(DEVICE)
batch = torch.randint(0, 1000, (32, 16), device=DEVICE)
check_device(model, batch)
start = time.perf_counter()
with torch.no_grad():
    for _ in range(10):
        model(batch)
print(f"{(time.perf_counter() - start) / 10 * 1000:.2f} ms per batch")
