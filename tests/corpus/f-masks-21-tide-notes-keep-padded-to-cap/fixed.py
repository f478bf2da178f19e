"""Tag tide-gauge notes as flood / ebb / slack with a small BERT, trained via accelerate."""
import os
import tempfile

import torch
from accelerate import Accelerator
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)
CAP = 40
PAD = 0

NOTES = [
    ("water rising fast over the sill", 0),
    ("flood running strong past the breakwater buoy", 0),
    ("level dropping steadily mud banks showing", 1),
    ("ebb setting hard out of the channel", 1),
    ("no movement at the gauge", 2),
    ("slack water boats swinging at anchor", 2),
    ("rising again after a short stand", 0),
    ("falling quickly with a strong offshore wind", 1),
]
TAGS = ["flood", "ebb", "slack"]


class TideTagger(nn.Module):
    def __init__(self, cfg, n_tags):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(hidden[:, 0])


def build_tokenizer():
    vocab = sorted({w for text, _ in NOTES for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab))
    return BertTokenizer(path)


def make_collate(tok):
    def collate(pairs):
        rows = [tok.encode(text) for text, _ in pairs]
        widest = max(len(row) for row in rows)
        ids_rows = [row + [PAD] * (widest - len(row)) for row in rows]
        mask_rows = [[1] * len(row) + [0] * (widest - len(row)) for row in rows]
        return {
            "input_ids": torch.tensor(ids_rows),
            "attention_mask": torch.tensor(mask_rows),
        }, torch.tensor([tag for _, tag in pairs])
    return collate


def main():
    accelerator = Accelerator(cpu=True)
    tok = build_tokenizer()
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=CAP)
    model = TideTagger(cfg, len(TAGS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loader = DataLoader(NOTES, batch_size=4, shuffle=True, collate_fn=make_collate(tok))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(4):
        model.train()
        total = 0.0
        for feats, tags in loader:
            logits = model(**feats)
            loss = loss_fn(logits, tags)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch} loss {total / len(loader):.4f}")

    model.eval()
    feats, _ = make_collate(tok)([("water rising over the breakwater", 0)])
    with torch.no_grad():
        pred = model(**feats).argmax(-1).item()
    accelerator.print("prediction:", TAGS[pred])


if __name__ == "__main__":
    main()
