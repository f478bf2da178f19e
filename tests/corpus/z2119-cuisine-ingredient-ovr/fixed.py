"""One-vs-rest cuisine scorer over ingredient lists with a tiny BERT encoder.
Targets are label-smoothed per cuisine and trained with a sigmoid loss."""
import os
import tempfile

import torch
from torch import nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

CUISINES = ["italian", "japanese", "mexican", "indian", "thai"]
SMOOTH = 0.1

PANTRY_LISTS = [
    ("tomato basil mozzarella olive oil garlic", "italian"),
    ("rice nori salmon soy wasabi", "japanese"),
    ("tortilla beans avocado lime cilantro chili", "mexican"),
    ("lentils turmeric cumin ginger garlic ghee", "indian"),
    ("pasta parmesan egg pepper guanciale", "italian"),
    ("miso tofu seaweed scallion dashi", "japanese"),
    ("coconut milk lemongrass chili fish sauce lime", "thai"),
    ("corn tortilla pork pineapple onion cilantro", "mexican"),
    ("chickpeas garam masala tomato onion ginger", "indian"),
    ("rice noodles peanut tamarind egg lime", "thai"),
    ("soy mirin sugar chicken rice", "japanese"),
    ("basmati rice cardamom saffron yogurt chicken", "indian"),
]


def dump_pantry_vocab(folder):
    words = sorted({w for text, _ in PANTRY_LISTS for w in text.split()})
    path = os.path.join(folder, "pantry_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class CuisineScorer(nn.Module):
    def __init__(self, vocab_size, n_cuisines):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=32)
        self.bert = BertModel(cfg)
        self.scores = nn.Linear(cfg.hidden_size, n_cuisines)

    def forward(self, tok_ids, tok_mask):
        hidden = self.bert(input_ids=tok_ids, attention_mask=tok_mask).last_hidden_state
        keep = tok_mask.unsqueeze(-1).float()
        pooled = (hidden * keep).sum(1) / keep.sum(1)
        return self.scores(pooled)


def make_collate(tokenizer):
    def collate(rows):
        texts = [t for t, _ in rows]
        enc = tokenizer(texts, padding=True, return_tensors="pt")
        cuisine_ids = torch.tensor([CUISINES.index(c) for _, c in rows])
        return enc["input_ids"], enc["attention_mask"], cuisine_ids
    return collate


def smoothed_targets(cuisine_ids):
    hot = F.one_hot(cuisine_ids, num_classes=len(CUISINES)).float()
    return hot * (1.0 - SMOOTH) + SMOOTH / hot.size(1)


def train_epoch(model, loader, opt):
    total = 0.0
    for tok_ids, tok_mask, cuisine_ids in loader:
        logits = model(tok_ids, tok_mask)
        loss = F.binary_cross_entropy_with_logits(logits, smoothed_targets(cuisine_ids))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    return total / len(loader)


def main():
    tmp = tempfile.mkdtemp(prefix="cuisine_")
    tokenizer = BertTokenizer(dump_pantry_vocab(tmp))
    loader = DataLoader(PANTRY_LISTS, batch_size=4, shuffle=False,
                        collate_fn=make_collate(tokenizer))
    model = CuisineScorer(tokenizer.vocab_size, len(CUISINES))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for epoch in range(4):
        print(f"epoch {epoch}: loss {train_epoch(model, loader, opt):.4f}")

    model.eval()
    probe = ["coconut milk chili lime rice", "tomato garlic basil pasta"]
    enc = tokenizer(probe, padding=True, return_tensors="pt")
    with torch.no_grad():
        probs = torch.sigmoid(model(enc["input_ids"], enc["attention_mask"]))
    for text, row in zip(probe, probs):
        best = CUISINES[int(row.argmax())]
        print(f"{best:>9} ({row.max():.2f})  <- {text}")


if __name__ == "__main__":
    main()
