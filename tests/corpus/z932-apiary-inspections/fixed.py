"""Tag hive inspection notes (queen / brood / pest / stores) with a tiny BERT tagger.

Quick sanity run before we point this at the full season of inspection sheets.
"""
import contextlib
import logging
import os
import tempfile
import time
from types import SimpleNamespace

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("apiary")

TAGS = ["O", "QUEEN", "BROOD", "PEST", "STORES"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

NOTES = [
    ("queen seen laying on frame four", ["QUEEN", "O", "O", "O", "O", "O"]),
    ("capped brood solid varroa low", ["BROOD", "BROOD", "O", "PEST", "O"]),
    ("honey stores heavy", ["STORES", "STORES", "O"]),
    ("no queen seen eggs absent small hive beetle", ["O", "QUEEN", "O", "BROOD", "O", "PEST", "PEST", "PEST"]),
]


@contextlib.contextmanager
def experiment(name, **settings):
    run = SimpleNamespace(name=name, settings=settings, history=[])
    torch.manual_seed(settings.get("seed", 0))
    log.info("starting %s with %s", name, settings)
    try:
        yield run
    finally:
        log.info("finished %s (%d steps logged)", name, len(run.history))


@contextlib.contextmanager
def timer(label):
    t0 = time.perf_counter()
    yield
    log.info("[%s] %.3fs", label, time.perf_counter() - t0)


def build_tokenizer(workdir):
    words = sorted({w for text, _ in NOTES for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def tag_rows(notes, width):
    # [CLS] and [SEP] don't get a tag, then pad the rest out
    rows = []
    for _, tags in notes:
        row = [-100] + [TAG2ID[t] for t in tags] + [-100]
        row += [-100] * (width - len(row))
        rows.append(row)
    return torch.tensor(rows)


def main():
    with experiment("hive-tagger-smoke", seed=7, lr=3e-4, epochs=3, max_tags=16) as run:
        workdir = tempfile.mkdtemp(prefix="apiary_")
        tok = build_tokenizer(workdir)
        cfg = BertConfig(
            vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
            num_labels=len(TAGS),
        )
        model = BertForTokenClassification(cfg)
        opt = torch.optim.AdamW(model.parameters(), lr=run.settings["lr"])

        with timer("encode"):
            texts = [text for text, _ in NOTES]
            enc = tok(texts, padding=True, return_tensors="pt")
            tag_ids = tag_rows(NOTES, enc["input_ids"].shape[1])
        log.info("encoded %d notes, input shape %s", len(texts), tuple(enc["input_ids"].shape))

        model.train()
        for epoch in range(run.settings["epochs"]):
            with timer(f"epoch {epoch}"):
                out = model(**enc, labels=tag_ids)
                out.loss.backward()
                opt.step()
                opt.zero_grad()
            run.history.append(out.loss.item())
            log.info("epoch %d loss %.4f", epoch, out.loss.item())

        model.eval()
        with torch.no_grad():
            with timer("predict"):
                pred = model(**enc).logits.argmax(-1)
        for text, row, keep in zip(texts, pred, enc["attention_mask"]):
            words = text.split()
            guessed = [TAGS[i] for i in row[1 : int(keep.sum()) - 1].tolist()]
            print(" ".join(f"{w}/{g}" for w, g in zip(words, guessed)))


if __name__ == "__main__":
    main()
