import csv
import io
import os
import random
import shutil
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

ROUTES = io.StringIO("""label,intent,escalate
0,payment_failed,yes
1,change_address,no
2,damaged_item,yes
3,warranty_claim,no
4,general_feedback,no
5,api_outage,yes
""")

SNIPPETS = {
    "payment_failed": "card declined at checkout payment failed",
    "change_address": "update my shipping address before dispatch",
    "damaged_item": "item arrived broken box was crushed",
    "warranty_claim": "device stopped working still under warranty",
    "general_feedback": "love the service but the app is slow",
    "api_outage": "api returns server error for all requests",
}
NOISE = "please help urgent thanks customer ticket sent yesterday order".split()


def load_routes(fh):
    table = {}
    for row in csv.DictReader(fh):
        table[int(row["label"])] = {"intent": row["intent"], "escalate": row["escalate"] == "yes"}
    return table


def write_vocab(folder):
    words = sorted({w for s in SNIPPETS.values() for w in s.split()} | set(NOISE))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return path


def encode(tokenizer, text, max_len):
    return tokenizer.encode(text, add_special_tokens=True, truncation=True, max_length=max_len)


def make_collate(tokenizer, max_len):
    pad_id = tokenizer.pad_token_id

    def collate(items):
        seqs = [encode(tokenizer, it["text"], max_len) for it in items]
        width = max(len(s) for s in seqs)
        mask = np.zeros((len(seqs), width))
        ids = np.full_like(mask, pad_id)
        for i, s in enumerate(seqs):
            ids[i, :len(s)] = s
            mask[i, :len(s)] = 1
        batch = {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}
        if "label" in items[0]:
            batch["labels"] = torch.tensor([it["label"] for it in items])
        return batch

    return collate


class EscalationPredictor:
    def __init__(self, vocab_path, routes, max_len=32):
        self.tokenizer = BertTokenizer(vocab_path)
        self.routes = routes
        self.max_len = max_len
        cfg = BertConfig(vocab_size=self.tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=max_len,
                         num_labels=len(routes), pad_token_id=self.tokenizer.pad_token_id)
        self.model = BertForSequenceClassification(cfg)
        self.collate = make_collate(self.tokenizer, max_len)

    def fit(self, records, epochs=3, bs=8):
        loader = DataLoader(records, batch_size=bs, shuffle=True, collate_fn=self.collate)
        optim = torch.optim.AdamW(self.model.parameters(), lr=1e-3, weight_decay=0.01)
        self.model.train()
        for ep in range(epochs):
            losses = []
            for batch in loader:
                loss = self.model(**batch).loss
                optim.zero_grad()
                loss.backward()
                optim.step()
                losses.append(loss.item())
            print(f"[fit] epoch={ep} loss={np.mean(losses):.3f}")

    @torch.no_grad()
    def __call__(self, texts):
        self.model.eval()
        batch = self.collate([{"text": t} for t in texts])
        preds = self.model(**batch).logits.argmax(-1).tolist()
        return [dict(text=t, **self.routes[p]) for t, p in zip(texts, preds)]


def synth_records(n, seed=1234):
    rng = random.Random(seed)
    labels = list(range(len(SNIPPETS)))
    names = list(SNIPPETS)
    recs = []
    for _ in range(n):
        lab = rng.choice(labels)
        words = SNIPPETS[names[lab]].split()
        words = rng.sample(NOISE, rng.randint(0, 3)) + words
        recs.append({"text": " ".join(words), "label": lab})
    return recs


def main():
    torch.manual_seed(42)
    workdir = tempfile.mkdtemp(prefix="escalation_")
    try:
        routes = load_routes(ROUTES)
        predictor = EscalationPredictor(write_vocab(workdir), routes)
        predictor.fit(synth_records(60))
        for r in predictor(["card declined again please help", "api returns server error"]):
            print(r)
    finally:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
