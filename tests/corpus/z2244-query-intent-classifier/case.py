import random
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

CFG = {
    "max_query_len": 16,
    "d_model": 64,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 32,
    "lr": 3e-4,
    "epochs": 2,
}

INTENTS = ["navigational", "product_search", "category_browse", "support", "price_check"]

BRANDS = ["nike", "adidas", "sony", "apple", "ikea", "lego", "samsung", "levis"]
PRODUCTS = ["shoes", "headphones", "sofa", "jeans", "tv", "phone case", "backpack", "lamp"]
MODIFIERS = ["red", "black", "wireless", "size 10", "kids", "waterproof", "cheap", "4k", "slim fit"]


def synth_query(intent):
    b, p, m = random.choice(BRANDS), random.choice(PRODUCTS), random.choice(MODIFIERS)
    if intent == "navigational":
        return f"{b} official store"
    if intent == "product_search":
        return f"{m} {b} {p} {random.choice(MODIFIERS)}"
    if intent == "category_browse":
        return f"all {p} for {random.choice(['men', 'women', 'kids'])}"
    if intent == "support":
        return f"how to return {b} {p} order refund status"
    return f"{b} {p} price under {random.choice([20, 50, 100, 500])} dollars deal"


def build_vocab(queries):
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2}
    for q in queries:
        for tok in q.split():
            vocab.setdefault(tok, len(vocab))
    return vocab


def encode_query(query, vocab, max_len):
    ids = [vocab["[CLS]"]] + [vocab.get(t, vocab["[UNK]"]) for t in query.split()]
    ids = ids[:max_len]
    mask = [1] * len(ids) + [0] * (max_len - len(ids))
    return ids, mask


class QueryLogDataset(Dataset):
    def __init__(self, queries, labels, vocab, max_len):
        self.items = [encode_query(q, vocab, max_len) for q in queries]
        self.labels = labels

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        ids, mask = self.items[idx]
        return {
            "input_ids": torch.tensor(ids, dtype=torch.long),
            "attention_mask": torch.tensor(mask, dtype=torch.bool),
            "label": torch.tensor(self.labels[idx], dtype=torch.long),
        }


def collate_queries(batch):
    input_ids = pad_sequence([b["input_ids"] for b in batch], batch_first=True, padding_value=0)
    attention_mask = torch.stack([b["attention_mask"] for b in batch])
    labels = torch.stack([b["label"] for b in batch])
    return input_ids, attention_mask, labels


class QueryIntentEncoder(nn.Module):
    def __init__(self, vocab_size, n_intents, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.tok_emb = nn.Embedding(vocab_size, d, padding_idx=0)
        self.pos_emb = nn.Embedding(cfg["max_query_len"], d)
        layer = nn.TransformerEncoderLayer(d, cfg["n_heads"], dim_feedforward=2 * d,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.head = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, n_intents))

    def forward(self, input_ids, attention_mask):
        pos = torch.arange(input_ids.size(1), device=input_ids.device)
        x = self.tok_emb(input_ids) + self.pos_emb(pos)[None]
        h = self.encoder(x, src_key_padding_mask=~attention_mask)
        m = attention_mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)


def main():
    intents = np.random.randint(0, len(INTENTS), size=800)
    queries = [synth_query(INTENTS[i]) for i in intents]
    vocab = build_vocab(queries)

    split = 640
    train_ds = QueryLogDataset(queries[:split], intents[:split].tolist(), vocab, CFG["max_query_len"])
    val_ds = QueryLogDataset(queries[split:], intents[split:].tolist(), vocab, CFG["max_query_len"])
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_queries)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"], collate_fn=collate_queries)

    model = QueryIntentEncoder(len(vocab), len(INTENTS), CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(CFG["epochs"]):
        model.train()
        total = 0.0
        for input_ids, attention_mask, labels in train_dl:
            logits = model(input_ids, attention_mask)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * labels.size(0)

        model.eval()
        correct = 0
        with torch.no_grad():
            for input_ids, attention_mask, labels in val_dl:
                correct += (model(input_ids, attention_mask).argmax(-1) == labels).sum().item()
        print(f"epoch {epoch} train_loss={total / len(train_ds):.4f} val_acc={correct / len(val_ds):.3f}")


if __name__ == "__main__":
    main()
