import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
random.seed(0)

INTENTS = ["greet", "weather", "music", "alarm", "goodbye"]
VOCAB = ["<pad>", "<unk>"] + (
    "hi hello hey what is the weather like today tomorrow play some jazz rock song "
    "set an alarm for seven wake me up bye see you later thanks please"
).split()
stoi = {w: i for i, w in enumerate(VOCAB)}
PAD = stoi["<pad>"]

TEMPLATES = {
    "greet": ["hi", "hello there", "hey hello"],
    "weather": ["what is the weather like today", "weather tomorrow please", "what is the weather"],
    "music": ["play some jazz", "play a rock song please", "play some rock"],
    "alarm": ["set an alarm for seven", "wake me up at seven please", "set alarm"],
    "goodbye": ["bye", "see you later", "bye thanks"],
}


def encode(text):
    return [stoi.get(w, stoi["<unk>"]) for w in text.split()]


class IntentDataset(Dataset):
    def __init__(self, n_per_intent=8):
        self.items = []
        for label, intent in enumerate(INTENTS):
            for _ in range(n_per_intent):
                self.items.append((encode(random.choice(TEMPLATES[intent])), label))
        random.shuffle(self.items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate(batch, max_len=12):
    ids = torch.full((len(batch), max_len), PAD, dtype=torch.long)
    mask = torch.zeros(len(batch), max_len, dtype=torch.bool)
    for i, (toks, _) in enumerate(batch):
        toks = toks[:max_len]
        ids[i, : len(toks)] = torch.tensor(toks)
        mask[i, : len(toks)] = True
    labels = torch.tensor([lab for _, lab in batch])
    return ids, mask, labels


def masked_mean(hidden, mask):
    """Average token vectors, ignoring padding positions."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    summed = (hidden * m).sum(dim=1)
    counts = m.sum(dim=1).clamp(min=1.0)
    return summed / counts


class IntentClassifier(nn.Module):
    def __init__(self, vocab_size, d_model=32, n_heads=4, n_classes=5):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
        self.pos = nn.Embedding(64, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, n_classes)

    def forward(self, ids, mask):
        pos = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        x = self.emb(ids) + self.pos(pos)
        x = self.encoder(x, src_key_padding_mask=~mask)
        return self.head(masked_mean(x, mask))


train_ds = IntentDataset()
loader = DataLoader(train_ds, batch_size=8, shuffle=True, collate_fn=collate)
model = IntentClassifier(len(VOCAB), n_classes=len(INTENTS))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

for epoch in range(3):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for ids, mask, labels in loader:
        logits = model(ids, mask)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(labels)
        correct += (logits.argmax(-1) == labels).sum().item()
        seen += len(labels)
    print(f"epoch {epoch}: loss={total / seen:.3f} acc={correct / seen:.2f}")

model.eval()
with torch.no_grad():
    ids, mask, _ = collate([(encode("play some jazz please"), 0)])
    print("prediction:", INTENTS[model(ids, mask).argmax(-1).item()])
