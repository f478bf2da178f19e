"""Predict the preservation type of herbarium specimens from transcribed sheet labels.

Transcriptions come from the volunteer portal with field markers already inserted
([COLL] collector, [LOC] locality, [DET] determiner, [HAB] habitat). Trained with
Accelerate so the same script runs on the digitisation team's GPU box.
"""
import functools
import logging
import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("herbarium")

FIELD_MARKERS = ["[COLL]", "[LOC]", "[DET]", "[HAB]"]
PRESERVATION = ["pressed_sheet", "spirit_jar", "carpological", "seed_bank"]

LABELS = [
    ("[COLL] m. hartley [LOC] upper teesdale limestone [HAB] flushed grassland [DET] r. birch", "pressed_sheet"),
    ("[COLL] a. okafor [LOC] niger delta creek [HAB] mangrove fringe [DET] a. okafor", "spirit_jar"),
    ("[COLL] j. laurent [LOC] cevennes chestnut slope [HAB] dry scrub [DET] p. vidal", "carpological"),
    ("[COLL] s. ito [LOC] hokkaido coastal dune [HAB] sand [DET] k. mori", "seed_bank"),
    ("[COLL] r. birch [LOC] cairngorm plateau [HAB] snow bed [DET] m. hartley", "pressed_sheet"),
    ("[COLL] p. vidal [LOC] camargue lagoon [HAB] brackish pool [DET] j. laurent", "spirit_jar"),
    ("[COLL] k. mori [LOC] kyushu forest edge [HAB] laurel forest [DET] s. ito", "carpological"),
    ("[COLL] a. okafor [LOC] jos plateau outcrop [HAB] rock crevice [DET] r. birch", "seed_bank"),
]


@dataclass
class RunConfig:
    batch_size: int = 4
    epochs: int = 2
    lr: float = 3e-4
    max_len: int = 40
    seed: int = 13


def summary(stage, **counts):
    print(f"-- {stage}: " + " | ".join(f"{k}: {v}" for k, v in counts.items()))


def make_tokenizer(texts, folder):
    words = set()
    for t in texts:
        words.update(w for w in t.lower().replace(".", " . ").split() if w not in {m.lower() for m in FIELD_MARKERS})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[", "]"] + sorted(words):
            fh.write(tok + "\n")
    tok = BertTokenizer(path)
    tok.add_tokens(FIELD_MARKERS, special_tokens=True)
    return tok


def collate(rows, tokenizer, max_len):
    texts = [r[0] for r in rows]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor([PRESERVATION.index(r[1]) for r in rows])
    return dict(enc)


def main(cfg: RunConfig):
    set_seed(cfg.seed)
    accelerator = Accelerator(cpu=True)
    folder = tempfile.mkdtemp(prefix="herb_")

    try:
        assert all(kind in PRESERVATION for _, kind in LABELS), "unknown preservation type"
        assert all(t.startswith("[COLL]") for t, _ in LABELS), "transcription missing collector field"
        tokenizer = make_tokenizer([t for t, _ in LABELS], folder)
        summary("tokenizer", base_vocab=tokenizer.vocab_size, markers=len(FIELD_MARKERS), specimens=len(LABELS))
    except Exception:
        log.exception("stage tokenizer failed")
        raise

    try:
        bert_cfg = BertConfig(
            vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
            num_labels=len(PRESERVATION),
        )
        model = BertForSequenceClassification(bert_cfg)
        optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        loader = DataLoader(
            LABELS, batch_size=cfg.batch_size, shuffle=True,
            collate_fn=functools.partial(collate, tokenizer=tokenizer, max_len=cfg.max_len),
        )
        model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
        summary("setup", batches=len(loader), params=sum(p.numel() for p in model.parameters()))
    except Exception:
        log.exception("stage setup failed")
        raise

    try:
        model.train()
        seen = 0
        for epoch in range(cfg.epochs):
            running = 0.0
            for batch in loader:
                out = model(**batch)
                accelerator.backward(out.loss)
                optimizer.step()
                optimizer.zero_grad()
                running += out.loss.item()
                seen += batch["labels"].shape[0]
            log.info("epoch %d loss %.4f", epoch, running / len(loader))
        summary("train", epochs=cfg.epochs, examples_seen=seen)
    except Exception:
        log.exception("stage train failed")
        raise


if __name__ == "__main__":
    main(RunConfig())
