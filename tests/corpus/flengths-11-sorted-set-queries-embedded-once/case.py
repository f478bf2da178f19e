"""Search log analysis: embed each distinct query once, then report a norm per logged query."""
import torch

torch.manual_seed(0)
vocab = {"cheap": 0, "flights": 1, "hotel": 2, "deals": 3, "car": 4, "rental": 5}
bag = torch.nn.EmbeddingBag(len(vocab), 4, mode="sum")

log_lines = ["cheap flights", "hotel deals", "cheap flights", "car rental", "hotel deals"]
keys = sorted(set(log_lines))
offsets = torch.tensor([0] + [len(q.split()) for q in keys[:-1]]).cumsum(0)
flat = torch.tensor([vocab[w] for q in keys for w in q.split()])
with torch.no_grad():
    emb = bag(flat, offsets)

for j in range(len(log_lines)):
    print(f"{log_lines[j]:15s} {emb[j].norm():.3f}")
