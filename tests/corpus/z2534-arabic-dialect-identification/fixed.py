"""Arabic dialect identification (Arabizi / romanised social-media text).

Small BERT encoder trained from scratch on a word-level vocabulary; the
utterance representation is the [CLS] vector plus a masked mean pool.
"""
import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class DialectConfig:
    dialects: list = field(default_factory=lambda: ["EGY", "LEV", "GLF", "MAG"])
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    intermediate_size: int = 64
    max_len: int = 24
    dropout: float = 0.1
    batch_size: int = 8
    lr: float = 5e-4
    steps: int = 30
    vocab_path: str = os.path.join(HERE, "arabizi_vocab.txt")


SHARED = ["ana", "enta", "howa", "hiya", "el", "fi", "ma", "w", "ya", "3ala", "min", "bas", "kaman", "yalla"]
MARKERS = {
    "EGY": ["ezayak", "keda", "awi", "delwa2ti", "3ayez", "mesh", "bta3", "ba2a"],
    "LEV": ["kifak", "hek", "ktir", "halla2", "baddi", "mish", "tab3an", "shu"],
    "GLF": ["shlonak", "chithi", "wayed", "al7een", "abi", "mob", "wayid", "sh9adeg"],
    "MAG": ["labas", "hakka", "bzaf", "daba", "bghit", "machi", "dyal", "wach"],
}


def synth_corpus(cfg, n_per_dialect=80, seed=0):
    rng = random.Random(seed)
    data = []
    for label, d in enumerate(cfg.dialects):
        for _ in range(n_per_dialect):
            n = rng.randint(4, 14)
            toks = [rng.choice(MARKERS[d]) if rng.random() < 0.35 else rng.choice(SHARED) for _ in range(n)]
            data.append((" ".join(toks), label))
    rng.shuffle(data)
    return data


def write_vocab(path, texts):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(specials + words) + "\n")


class DialectClassifier(nn.Module):
    def __init__(self, cfg: DialectConfig, vocab_size: int):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden_size,
            num_hidden_layers=cfg.num_layers,
            num_attention_heads=cfg.num_heads,
            intermediate_size=cfg.intermediate_size,
            max_position_embeddings=64,
            hidden_dropout_prob=cfg.dropout,
        )
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(2 * cfg.hidden_size, len(cfg.dialects))

    @staticmethod
    def mean_pool(hidden, attention_mask):
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        hidden = out.last_hidden_state
        utt = torch.cat([hidden[:, 0], self.mean_pool(hidden, attention_mask)], dim=-1)
        return self.head(self.dropout(utt))


def batches(data, tokenizer, cfg, shuffle=True):
    idx = list(range(len(data)))
    if shuffle:
        random.shuffle(idx)
    for i in range(0, len(idx), cfg.batch_size):
        chunk = [data[j] for j in idx[i:i + cfg.batch_size]]
        texts, labels = zip(*chunk)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=cfg.max_len, return_tensors="pt")
        yield enc, torch.tensor(labels)


def evaluate(model, data, tokenizer, cfg):
    model.eval()
    correct = 0
    with torch.no_grad():
        for enc, labels in batches(data, tokenizer, cfg, shuffle=False):
            correct += (model(**enc).argmax(-1) == labels).sum().item()
    model.train()
    return correct / len(data)


def main():
    random.seed(0)
    torch.manual_seed(0)
    cfg = DialectConfig()
    data = synth_corpus(cfg)
    train, dev = data[:280], data[280:]
    write_vocab(cfg.vocab_path, [t for t, _ in train])
    tokenizer = BertTokenizer(cfg.vocab_path, do_lower_case=True)

    model = DialectClassifier(cfg, tokenizer.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    step = 0
    while step < cfg.steps:
        for enc, labels in batches(train, tokenizer, cfg):
            logits = model(**enc)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step % 10 == 0:
                print(f"step {step} loss {loss.item():.3f}")
            if step >= cfg.steps:
                break

    print(f"dev accuracy: {evaluate(model, dev, tokenizer, cfg):.3f}")


if __name__ == "__main__":
    main()
