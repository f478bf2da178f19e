"""Predict the plant family from transcribed herbarium specimen labels.

A tiny BERT encoder (random weights) plus a linear head on the [CLS] vector.
Shapes: B = specimens per batch, T = sequence length fed to BERT,
H = hidden size, F = number of plant families.
"""
import logging
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("herbarium")
torch.manual_seed(3)

MAX_LEN = 24
FAMILIES = ["rosaceae", "asteraceae", "fabaceae", "orchidaceae"]
SPECIMENS = [
    ("wild rose hedgerow flowers pink five petals collected june", "rosaceae"),
    ("daisy meadow composite flower head yellow disc", "asteraceae"),
    ("clover pasture trifoliate leaves root nodules", "fabaceae"),
    ("lady slipper orchid damp woodland pouch lip", "orchidaceae"),
    ("hawthorn shrub thorns white blossom", "rosaceae"),
    ("sunflower field tall composite head", "asteraceae"),
    ("vetch climbing tendrils pea flowers purple pods", "fabaceae"),
    ("bee orchid chalk grassland", "orchidaceae"),
]


def make_tokenizer():
    words = sorted({w for text, _ in SPECIMENS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class SpecimenSet(torch.utils.data.Dataset):
    """Each item: (ids (MAX_LEN,) long, n_real int, family index int)."""

    def __init__(self, rows, tokenizer):
        self.items = []
        for text, family in rows:
            enc = tokenizer(text, padding="max_length", max_length=MAX_LEN,
                            truncation=True, return_attention_mask=False)
            n_real = min(len(tokenizer.tokenize(text)) + 2, MAX_LEN)   # + [CLS], [SEP]
            self.items.append((torch.tensor(enc["input_ids"]), n_real, FAMILIES.index(family)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def lengths_to_mask(lengths, width):
    """(B,) lengths -> (B, T) long mask with 1 on real tokens, T = width of the padded ids."""
    positions = torch.arange(width)                               # (T,)
    return (positions[None, :] < lengths[:, None]).long()         # (B, T)


def collate(items):
    ids = torch.stack([it[0] for it in items])                    # (B, MAX_LEN)
    lengths = torch.tensor([it[1] for it in items])               # (B,)
    family = torch.tensor([it[2] for it in items])                # (B,)
    return ids, lengths_to_mask(lengths, ids.shape[1]), family


class FamilyClassifier(nn.Module):
    """BERT encoder -> [CLS] vector (B, H) -> logits (B, F)."""

    def __init__(self, config, n_families):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.head = nn.Linear(config.hidden_size, n_families)

    def forward(self, ids, attn):
        hidden = self.bert(input_ids=ids, attention_mask=attn).last_hidden_state  # (B, T, H)
        return self.head(hidden[:, 0])                                           # (B, F)


def main():
    tokenizer = make_tokenizer()
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = FamilyClassifier(config, len(FAMILIES))
    loader = torch.utils.data.DataLoader(SpecimenSet(SPECIMENS, tokenizer), batch_size=4,
                                         shuffle=True, collate_fn=collate)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    ce = nn.CrossEntropyLoss()
    log.info("vocab=%d max_len=%d families=%d", tokenizer.vocab_size, MAX_LEN, len(FAMILIES))

    for epoch in range(3):
        running = 0.0
        for ids, attn, family in loader:
            assert ids.shape[0] == attn.shape[0] == family.shape[0]
            assert ids.shape[1] <= config.max_position_embeddings
            assert int(family.max()) < len(FAMILIES)
            assert bool((attn.sum(1) > 0).all())

            logits = model(ids, attn)                             # (B, F)
            loss = ce(logits, family)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        log.info("epoch %d loss %.4f", epoch, running)

    model.eval()
    with torch.no_grad():
        ids, attn, _ = collate([SpecimenSet([("orchid woodland pouch lip", "orchidaceae")], tokenizer)[0]])
        print("predicted family:", FAMILIES[model(ids, attn).argmax(-1).item()])


if __name__ == "__main__":
    main()
