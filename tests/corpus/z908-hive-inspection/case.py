"""
hivenotes - a tiny toolkit for triaging apiary inspection notes.

The top half is meant to be importable (TextEncoder / Head / build); the bottom
half is an example of how a beekeeping co-op would wire it up.
"""
import logging
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("hivenotes")

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(corpus, folder=None):
    folder = folder or tempfile.mkdtemp(prefix="hivenotes_")
    words = set()
    for line in corpus:
        words.update(line.lower().replace(",", " ").replace(".", " ").split())
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL_TOKENS + sorted(words)) + "\n")
    return path


class TextEncoder(nn.Module):
    """Randomly initialised BERT; any BertConfig field may be overridden by keyword."""

    def __init__(self, vocab_path, hidden=32, layers=1, heads=2, ffn=64, max_len=64, **config_overrides):
        super().__init__()
        self.tokenizer = BertTokenizer(vocab_path)
        settings = dict(
            vocab_size=self.tokenizer.vocab_size,
            hidden_size=hidden,
            num_hidden_layers=layers,
            num_attention_heads=heads,
            intermediate_size=ffn,
            max_position_embeddings=max_len,
        )
        settings.update(config_overrides)
        self.config = BertConfig(**settings)
        self.bert = BertModel(self.config)

    def forward(self, notes):
        enc = self.tokenizer(notes, padding=True, truncation=True,
                             max_length=self.config.max_position_embeddings, return_tensors="pt")
        return self.bert(**enc).last_hidden_state[:, 0]


class Head(nn.Module):
    def __init__(self, in_features, num_classes, dropout=0.1, bottleneck=None):
        super().__init__()
        parts = [nn.Dropout(dropout)]
        if bottleneck:
            parts += [nn.Linear(in_features, bottleneck), nn.GELU()]
            in_features = bottleneck
        parts.append(nn.Linear(in_features, num_classes))
        self.net = nn.Sequential(*parts)

    def forward(self, pooled):
        return self.net(pooled)


class NoteClassifier(nn.Module):
    def __init__(self, encoder, head):
        super().__init__()
        self.encoder = encoder
        self.head = head

    def forward(self, notes):
        return self.head(self.encoder(notes))


def build(corpus, num_classes, hidden=32, layers=1, heads=2, ffn=64, max_len=64,
          dropout=0.1, bottleneck=None, **kwargs):
    vocab_path = write_vocab(corpus)
    encoder = TextEncoder(vocab_path, hidden=hidden, layers=layers, heads=heads,
                          ffn=ffn, max_len=max_len, **kwargs)
    head = Head(hidden, num_classes, dropout=dropout, bottleneck=bottleneck)
    n_params = sum(p.numel() for p in encoder.parameters()) + sum(p.numel() for p in head.parameters())
    log.info("built classifier: %d classes, %d params", num_classes, n_params)
    return NoteClassifier(encoder, head)


# --------------------------------------------------------------------------
# usage
# --------------------------------------------------------------------------
if __name__ == "__main__":
    torch.manual_seed(7)

    ACTIONS = ["no_action", "requeen", "treat_varroa", "add_super"]
    notes = [
        ("brood pattern solid, queen seen, calm colony", 0),
        ("no eggs, no queen seen, queen cells capped on frame four", 1),
        ("mite drop high on sticky board, deformed wings on drones", 2),
        ("nectar flow strong, all frames drawn, bees bearding at entrance", 3),
        ("spotty brood, drone laying suspected, no young larvae", 1),
        ("varroa wash count nine per hundred, crawling bees near hive", 2),
        ("honey stores good, temperament gentle, brood on six frames", 0),
        ("top box full of capped honey, colony crowded", 3),
    ]
    texts = [t for t, _ in notes]
    targets = torch.tensor([y for _, y in notes])

    # settings copied from the co-op's shared BERT config sheet
    model = build(texts, num_classes=len(ACTIONS), dropout=0.2,
                  hidden_size=48, num_attention_heads=4, intermediate_size=128)

    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    model.train()
    for epoch in range(3):
        for start in range(0, len(texts), 4):
            logits = model(texts[start:start + 4])
            loss = loss_fn(logits, targets[start:start + 4])
            optim.zero_grad()
            loss.backward()
            optim.step()
        log.info("epoch %d  loss %.4f", epoch, loss.item())

    model.eval()
    with torch.no_grad():
        preds = model(["queen cells on bottom bars, colony restless"]).argmax(-1)
    print("suggested action:", ACTIONS[preds.item()])
