"""Lithology tagging of drill-core log descriptions, hand-rolled sweep.

Each borehole log is cut into word windows; every window inherits the
lithology of its interval. We sweep the window size and learning rate.
"""
import itertools
import os
import random
import tempfile
from functools import partial

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

PHRASES = {
    "sandstone": ["fine to medium grained quartz sand", "well sorted subrounded grains",
                  "cross bedded with iron staining", "friable and porous", "calcite cement in places"],
    "shale": ["dark grey fissile mudrock", "thinly laminated with pyrite nodules",
              "organic rich and brittle", "breaks along bedding planes", "no visible porosity"],
    "limestone": ["pale bioclastic packstone", "abundant crinoid and shell fragments",
                  "reacts strongly with dilute acid", "stylolites and vuggy porosity", "micritic matrix"],
    "granite": ["coarse crystalline pink feldspar", "quartz and biotite mica",
                "equigranular interlocking texture", "fresh and hard with joints", "minor hornblende"],
}
LITHOLOGIES = sorted(PHRASES)

# one log per interval: 18 random phrases strung together
LOGS = [(" ".join(random.choice(PHRASES[lith]) for _ in range(18)), lith)
        for lith in LITHOLOGIES for _ in range(2)]


def write_vocab(workdir):
    words = sorted({w for p in PHRASES.values() for s in p for w in s.split()})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return path


def windows(logs, n_words, stride):
    for text, lith in logs:
        words = text.split()
        for start in range(0, max(len(words) - n_words, 0) + 1, stride):
            yield " ".join(words[start:start + n_words]), LITHOLOGIES.index(lith)


def collate(examples, tokenizer, max_len):
    texts, tags = zip(*examples)
    enc = tokenizer(list(texts), padding=True, truncation=True,
                    max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor(tags)
    return enc


def tiny_bert(vocab_size, n_classes, max_positions=64):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=max_positions, num_labels=n_classes)
    return BertForSequenceClassification(cfg)


def train_and_score(tokenizer, window, lr):
    data = list(windows(LOGS, n_words=window, stride=window // 2))
    model = tiny_bert(len(tokenizer), len(LITHOLOGIES))
    loader = DataLoader(data, batch_size=8, shuffle=True,
                        collate_fn=partial(collate, tokenizer=tokenizer,
                                           max_len=model.config.max_position_embeddings))
    optim = torch.optim.AdamW(model.parameters(), lr=lr)

    acc = Accelerator(cpu=True)
    model, optim, loader = acc.prepare(model, optim, loader)
    model.train()
    running = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        acc.backward(out.loss)
        optim.step()
        optim.zero_grad()
        running += out.loss.item()

    model.eval()
    hits = total = 0
    with torch.no_grad():
        for batch in loader:
            logits = model(**batch).logits
            preds, refs = acc.gather_for_metrics((logits.argmax(-1), batch["labels"]))
            hits += (preds == refs).sum().item()
            total += refs.numel()
    return len(data), running / (step + 1), hits / total


def main():
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp(prefix="core_")))
    grid = itertools.product([24, 96], [3e-4, 1e-3])
    results = []
    for window, lr in grid:
        print(f"-> window={window} words, lr={lr}")
        n, loss, accuracy = train_and_score(tokenizer, window, lr)
        results.append({"window": window, "lr": lr, "n_windows": n,
                        "loss": loss, "acc": accuracy})

    print(f"{'window':>7} {'lr':>8} {'n':>4} {'loss':>8} {'acc':>6}")
    for r in results:
        print(f"{r['window']:>7} {r['lr']:>8.0e} {r['n_windows']:>4} "
              f"{r['loss']:>8.4f} {r['acc']:>6.2f}")


if __name__ == "__main__":
    main()
