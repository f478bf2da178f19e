"""Constrained decoding: banned tokens get a per-example penalty instead of -inf."""
import torch

torch.manual_seed(0)
vocab_size, batch = 12, 3
logits = torch.randn(batch, vocab_size)
banned = torch.zeros(batch, vocab_size, dtype=torch.bool)
banned[0, [2, 5]] = True
banned[2, 7] = True
penalty = torch.tensor([-5.0, -5.0, -20.0])  # stricter for the third prompt

penalised = torch.where(banned, penalty[:, None], logits)
next_tokens = penalised.argmax(-1)
print(next_tokens.tolist())
