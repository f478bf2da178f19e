"""Classify seed-bank germination trial notes (viable / dormant / failed) with a
small BERT, training loop driven by Accelerate.
"""
import os
import tempfile
from dataclasses import dataclass
from functools import partial

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

OUTCOMES = {"viable": 0, "dormant": 1, "failed": 2}


@dataclass
class RunConfig:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_positions: int = 64
    batch_size: int = 4
    epochs: int = 2
    lr: float = 3e-4
    seed: int = 17


TRIAL_NOTES = [
    ("radicle emerged day four on moist filter paper strong shoot", "viable"),
    ("no imbibition after ten days seed coat hard needs scarification", "dormant"),
    ("mould on all seeds embryo soft and brown", "failed"),
    ("cold stratified six weeks then germinated evenly", "viable"),
    ("seeds swelled but no radicle after three weeks likely physiological dormancy", "dormant"),
    ("tetrazolium test negative embryo unstained", "failed"),
    ("germinated at twenty degrees within a week shoot healthy", "viable"),
    # accession 4471 -- the technician pasted the whole bench log for this one
    ("accession from the upland meadow collection was sown on agar in two replicate dishes at "
     "fifteen degrees with a twelve hour photoperiod and checked every second day for signs of "
     "imbibition radicle emergence or fungal contamination the first replicate showed swelling "
     "on day six and radicle emergence on day nine in most of the seeds while the second replicate "
     "lagged by about two days but caught up by the end of the second week shoot growth was "
     "vigorous in both dishes and no mould was seen so the lot was recorded as germinated "
     "and moved to the seedling trays for hardening", "viable"),
    ("seed coat cracked but embryo shrivelled and dark", "failed"),
    ("after gibberellic acid soak radicle visible day five", "viable"),
    ("intact firm seeds no change after a month warm then cold cycle planned", "dormant"),
    ("empty seeds on cut test no embryo present", "failed"),
]


def build_tokenizer(notes):
    words = sorted({w for text, _ in notes for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(prefix="seedbank_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path, do_lower_case=True), len(vocab)


def collate_notes(rows, tokenizer, max_len):
    texts = [text for text, _ in rows]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor([OUTCOMES[outcome] for _, outcome in rows])
    return dict(enc)


def train(cfg: RunConfig):
    set_seed(cfg.seed)
    accelerator = Accelerator(cpu=True)

    tokenizer, vocab_size = build_tokenizer(TRIAL_NOTES)
    model_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden,
                           num_hidden_layers=cfg.layers, num_attention_heads=cfg.heads,
                           intermediate_size=cfg.ffn, max_position_embeddings=cfg.max_positions,
                           num_labels=len(OUTCOMES))
    model = BertForSequenceClassification(model_cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    loader = DataLoader(TRIAL_NOTES, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=partial(collate_notes, tokenizer=tokenizer,
                                           max_len=cfg.max_positions))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    accelerator.print(f"{len(TRIAL_NOTES)} notes, vocab {vocab_size}, {len(loader)} batches/epoch")
    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / len(loader):.4f}")

    model.eval()
    correct = 0
    with torch.no_grad():
        for batch in loader:
            preds = model(**batch).logits.argmax(-1)
            correct += (preds == batch["labels"]).sum().item()
    accelerator.print(f"train accuracy: {correct / len(TRIAL_NOTES):.2f}")


if __name__ == "__main__":
    train(RunConfig())
