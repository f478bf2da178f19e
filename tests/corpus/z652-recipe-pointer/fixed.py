"""Pointer head over a tiny BERT: pick the main ingredient word out of a recipe step.

The step text is squeezed first (fillers and numbers dropped) so that short
context windows hold more of the useful words; the head then scores every
position of the encoded step and is trained with cross-entropy over positions.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(0)
torch.manual_seed(0)

STEPS = [
    ("with a fork whisk the eggs and a pinch of salt until pale and fluffy", "eggs"),
    ("in three parts fold the flour into the batter and rest it for an hour", "flour"),
    ("for two minutes in a dry pan toast the cumin then grind it", "cumin"),
    ("for twenty minutes with the stock simmer the lentils until they are soft", "lentils"),
    ("with a little garlic rub the lamb and leave it in the fridge for a night", "lamb"),
    ("in a small pan melt the butter and brown it until it smells of nuts", "butter"),
    ("for an hour in cold water soak the rice and then drain it well", "rice"),
    ("with a little milk brush the pastry and bake it for half an hour", "pastry"),
    ("in the oven until the skins are black roast the peppers then peel them", "peppers"),
    ("with the wine and a few herbs steam the mussels until they open", "mussels"),
]
FILLER = {"the", "a", "an", "of", "in", "with", "and", "it", "for", "then", "until", "they",
          "are", "is", "into", "them", "little", "few", "two", "three", "twenty", "half"}

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_tokenizer():
    words = sorted({w for text, _ in STEPS for w in text.split()})
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return BertTokenizer(path)


def squeeze(words):
    return [w for w in words if w not in FILLER]


def make_example(tokenizer, text, answer):
    words = text.split()
    kept = squeeze(words)
    copy_at = kept.index(answer) + 1  # shift past [CLS]
    ids = tokenizer.convert_tokens_to_ids(["[CLS]"] + kept + ["[SEP]"])
    return {"ids": ids, "copy_at": copy_at, "answer": answer}


def collate(examples, pad_id):
    width = max(len(e["ids"]) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    attn = torch.zeros_like(ids)
    for row, e in enumerate(examples):
        ids[row, : len(e["ids"])] = torch.tensor(e["ids"])
        attn[row, : len(e["ids"])] = 1
    targets = torch.tensor([e["copy_at"] for e in examples])
    return ids, attn, targets


class PointerExtractor(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.query = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, ids, attn):
        states = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        q = self.query(states[:, 0])                      # [CLS] as the question vector
        scores = torch.einsum("bh,bth->bt", q, states)    # one score per position
        return scores.masked_fill(attn == 0, -1e4)


def main():
    tokenizer = build_tokenizer()
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = PointerExtractor(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    data = [make_example(tokenizer, t, a) for t, a in STEPS]
    print(f"{len(data)} steps, vocab {len(tokenizer)}")

    batch_size = 4
    for epoch in range(3):
        random.shuffle(data)
        total = 0.0
        for start in range(0, len(data), batch_size):
            ids, attn, targets = collate(data[start:start + batch_size], tokenizer.pad_token_id)
            scores = model(ids, attn)
            loss = F.cross_entropy(scores, targets)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")

    model.eval()
    with torch.no_grad():
        ids, attn, targets = collate(data, tokenizer.pad_token_id)
        picked = model(ids, attn).argmax(-1)
    hits = (picked == targets).float().mean().item()
    print(f"copy accuracy on train: {hits:.2f}")


if __name__ == "__main__":
    main()
