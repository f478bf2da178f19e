import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

SEVERITIES = ["info", "warning", "error"]
TRAIN_LOGS = [
    ("service started on port 8080", "info"),
    ("user login succeeded", "info"),
    ("cache warmed in 20 ms", "info"),
    ("disk usage above 80 percent", "warning"),
    ("slow query took 900 ms", "warning"),
    ("retrying connection to database", "warning"),
    ("database connection refused", "error"),
    ("disk write failed with io error", "error"),
    ("service crashed with segmentation fault", "error"),
]
EVAL_LOGS = [
    ("user logout succeeded", "info"),
    ("memory usage above 90 percent", "warning"),
    ("kernel panic on worker node", "error"),
]

word2id = {"<pad>": 0}
for text, _ in TRAIN_LOGS:
    for word in text.split():
        word2id.setdefault(word, len(word2id))
OOV_ID = -1
severity2id = {s: i for i, s in enumerate(SEVERITIES)}


def encode_batch(logs):
    ids = [[word2id.get(w, OOV_ID) for w in text.split()] for text, _ in logs]
    width = max(len(row) for row in ids)
    tokens = torch.tensor([row + [0] * (width - len(row)) for row in ids])
    labels = torch.tensor([severity2id[s] for _, s in logs])
    return tokens, labels


class LogSeverityClassifier(nn.Module):
    def __init__(self, vocab_size, dim, n_classes):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.out = nn.Linear(dim, n_classes)

    def forward(self, tokens):
        mask = (tokens != 0).unsqueeze(-1).float()
        pooled = (self.embed(tokens) * mask).sum(1) / mask.sum(1).clamp(min=1)
        return self.out(pooled)


model = LogSeverityClassifier(len(word2id), dim=16, n_classes=len(SEVERITIES))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
train_tokens, train_labels = encode_batch(TRAIN_LOGS)
for epoch in range(30):
    loss = F.cross_entropy(model(train_tokens), train_labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"final train loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    eval_tokens, eval_labels = encode_batch(EVAL_LOGS)
    preds = model(eval_tokens).argmax(-1)
print("eval accuracy", (preds == eval_labels).float().mean().item())
