import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

MAX_LEN = 24
CHUNK = 4
EPOCHS = 3

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
         "vessel", "berth", "crane", "fuel", "leak", "collision", "mooring", "line",
         "snapped", "tug", "delayed", "fog", "container", "dropped", "pier", "minor",
         "spill", "contained", "pilot", "boarded", "late", "hull", "scrape", "at",
         "the", "near", "during", "storm", "no", "injuries", "reported", "gate", "closed"]

LOGS = [
    ("fuel leak at berth during storm", 0),
    ("minor spill contained near the pier", 0),
    ("vessel collision near the pier no injuries reported", 1),
    ("hull scrape at berth during fog", 1),
    ("mooring line snapped during storm", 2),
    ("crane dropped container at the pier", 2),
    ("tug delayed by fog", 3),
    ("pilot boarded late gate closed", 3),
]
NUM_CLASSES = 4


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(path)


class IncidentClassifier(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, NUM_CLASSES)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def run():
    tokenizer = build_tokenizer()
    texts = [t for t, _ in LOGS]
    labels = torch.tensor([y for _, y in LOGS])

    preview = tokenizer(texts, padding=True, return_tensors="pt")
    lengths = preview.attention_mask.sum(dim=1).tolist()
    print(f"{len(texts)} incident logs, token lengths: {lengths}")
    keep = preview.attention_mask

    batch = tokenizer(texts, padding="max_length", max_length=MAX_LEN,
                      truncation=True, return_tensors="pt")

    model = IncidentClassifier(tokenizer.vocab_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    order = torch.arange(len(texts))
    for epoch in range(EPOCHS):
        total = 0.0
        for chunk in order.split(CHUNK):
            logits = model(input_ids=batch.input_ids[chunk],
                           attention_mask=keep[chunk])
            loss = loss_fn(logits, labels[chunk])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(batch.input_ids, batch.attention_mask).argmax(dim=-1)
    print("train accuracy:", (preds == labels).float().mean().item())


if __name__ == "__main__":
    run()
