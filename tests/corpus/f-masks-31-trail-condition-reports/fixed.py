import functools
import os
import tempfile
from typing import NamedTuple

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

MAX_WORDS = 8  # upper bound on words per report

REPORTS = [
    ("trail washed out near creek crossing", 2),
    ("muddy switchbacks after rainstorm", 1),
    ("clear and dry all the way", 0),
    ("fallen trees blocking upper ridge", 2),
    ("snowpack lingering on north slopes", 1),
    ("bridge planks loose but passable", 1),
    ("clear trail with fresh gravel", 0),
    ("rockslide closed the lower switchbacks", 2),
]

PIECES = ["trail", "wash", "##ed", "out", "near", "creek", "cross", "##ing", "mud", "##dy",
          "switch", "##back", "##s", "after", "rain", "##storm", "clear", "and", "dry", "all",
          "the", "way", "fall", "##en", "tree", "block", "upper", "ridge", "snow", "##pack",
          "linger", "on", "north", "slope", "bridge", "plank", "loose", "but", "pass", "##able",
          "with", "fresh", "gravel", "rock", "##slide", "close", "##d", "lower"]


class Batch(NamedTuple):
    tokens: torch.Tensor
    pad_mask: torch.Tensor
    target: torch.Tensor


def build_tokenizer():
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PIECES) + "\n")
    return BertTokenizer(path)


def collate(idx, encoded, lengths, targets, width):
    idx = torch.tensor(idx)
    tokens = encoded["input_ids"][idx]
    spans = torch.arange(tokens.shape[1])
    pad_mask = (spans < lengths[idx].unsqueeze(1)).long()
    return Batch(tokens, pad_mask, targets[idx])


class ConditionModel(nn.Module):
    def __init__(self, vocab_size, n_levels=3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_levels)

    def forward(self, batch):
        out = self.bert(input_ids=batch.tokens, attention_mask=batch.pad_mask)
        return self.head(out.last_hidden_state[:, 0])


def main():
    tok = build_tokenizer()
    texts = [t for t, _ in REPORTS]
    encoded = tok(texts, padding=True, return_tensors="pt")
    lengths = encoded["attention_mask"].sum(dim=1)
    targets = torch.tensor([y for _, y in REPORTS])
    print(f"{len(texts)} reports, encoded width {encoded['input_ids'].shape[1]}")

    loader = DataLoader(list(range(len(texts))), batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate, encoded=encoded, lengths=lengths,
                                                     targets=targets, width=MAX_WORDS))
    model = ConditionModel(len(tok))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(3):
        total = 0.0
        for batch in loader:
            loss = loss_fn(model(batch), batch.target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
