"""Triage beekeepers' hive-inspection notes (queenright / queenless / swarm risk / disease) with Accelerate."""
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)

CLASSES = ["queenright", "queenless", "swarm_risk", "disease"]

NOTES = [
    ("eggs and young larvae seen on three frames , calm colony", "queenright"),
    ("no eggs no larvae , workers roaring , laying workers suspected", "queenless"),
    ("many queen cells on bottom bars , colony crowded", "swarm_risk"),
    ("sunken cappings with holes , ropey larvae , foul smell", "disease"),
    ("fresh eggs , good brood pattern", "queenright"),
    ("queen cells capped , brood box full of honey , bees bearding", "swarm_risk"),
    ("spotty brood , chalky mummies at entrance", "disease"),
    ("no queen seen , no eggs for two weeks", "queenless"),
]


@dataclass
class TrainSettings:
    max_len: int = 32
    batch_size: int = 4
    lr: float = 3e-4
    epochs: int = 2


def write_vocab(texts):
    pieces = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + pieces
    folder = tempfile.mkdtemp(prefix="hive_")
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return vocab_path


def make_collate(tok, settings):
    def collate(rows):
        encoded = [torch.tensor(tok.encode(text, truncation=True, max_length=settings.max_len))
                   for text, _ in rows]
        token_ids = pad_sequence(encoded, batch_first=True, padding_value=tok.pad_token_id)
        # 1 for real word pieces, 0 for padding
        keep = torch.zeros(len(encoded), token_ids.size(1), dtype=torch.long)
        for i, seq in enumerate(encoded):
            keep[i, : len(seq)] = 1
        target = torch.tensor([CLASSES.index(lbl) for _, lbl in rows])
        return {"input_ids": token_ids, "attention_mask": keep, "labels": target}
    return collate


def run():
    settings = TrainSettings()
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab([t for t, _ in NOTES]))
    accelerator.print(f"tokenizer has {tok.vocab_size} entries")

    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(CLASSES))
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=settings.lr)
    loader = DataLoader(NOTES, batch_size=settings.batch_size, shuffle=True,
                        collate_fn=make_collate(tok, settings))

    model, optim, loader = accelerator.prepare(model, optim, loader)

    for epoch in range(settings.epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    accelerator.print("finished hive triage training")


if __name__ == "__main__":
    run()
