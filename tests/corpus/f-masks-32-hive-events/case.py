import torch
import torch.nn as nn

torch.manual_seed(0)

EVENTS = ["pad", "temp_up", "temp_down", "hum_up", "hum_down", "buzz", "quiet", "door", "weight_up", "weight_down"]
EVENT_ID = {e: i for i, e in enumerate(EVENTS)}

HIVE_LOGS = [
    (["temp_up", "buzz", "buzz", "weight_up", "quiet"], 0),
    (["temp_down", "quiet", "quiet", "hum_up", "hum_up", "door"], 1),
    (["buzz", "buzz", "buzz", "temp_up", "temp_up", "weight_down", "buzz", "door"], 2),
    (["quiet", "temp_down", "hum_down"], 1),
    (["weight_up", "weight_up", "buzz", "temp_up"], 0),
    (["door", "buzz", "buzz", "buzz", "weight_down", "weight_down", "temp_up"], 2),
]
STATES = ["foraging", "dormant", "swarming"]


class BatchMaker:
    WIDTH = 48

    def pad(self, seqs):
        out = torch.zeros(len(seqs), self.WIDTH, dtype=torch.long)
        for i, s in enumerate(seqs):
            ids = [EVENT_ID[e] for e in s][: self.WIDTH]
            out[i, : len(ids)] = torch.tensor(ids)
        return out

    def key_padding(self, lengths, width=WIDTH):
        return torch.arange(width)[None, :] >= torch.tensor(lengths)[:, None]

    def make(self, seqs):
        raise NotImplementedError


class ShortBatchMaker(BatchMaker):
    WIDTH = 20

    def make(self, seqs):
        return self.pad(seqs), self.key_padding([len(s) for s in seqs])


class HiveStateModel(nn.Module):
    def __init__(self, n_events, n_states, dim=32):
        super().__init__()
        self.embed = nn.Embedding(n_events, dim, padding_idx=0)
        self.pos = nn.Parameter(torch.randn(64, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_states)

    def forward(self, ids, pad_mask):
        h = self.embed(ids) + self.pos[: ids.shape[1]]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


maker = ShortBatchMaker()
model = HiveStateModel(len(EVENTS), len(STATES))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss()

seqs = [s for s, _ in HIVE_LOGS]
targets = torch.tensor([y for _, y in HIVE_LOGS])
print(f"{len(seqs)} hive logs, longest {max(len(s) for s in seqs)} events")

model.train()
for step in range(20):
    ids, mask = maker.make(seqs)
    logits = model(ids, mask)
    loss = loss_fn(logits, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print(f"step {step} loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    ids, mask = maker.make(seqs)
    pred = model(ids, mask).argmax(-1)
for s, p in zip(seqs, pred.tolist()):
    print(f"{' '.join(s[:3])}... -> {STATES[p]}")
