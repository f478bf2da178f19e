"""Flag incorrect pilot readbacks in ATC radio exchanges.

Each exchange is a short multi-turn transcript (controller / pilot). The
whole exchange is packed into one BERT input and a binary head predicts
whether the pilot's readback matched the clearance.
"""
import os
import tempfile
from dataclasses import dataclass, field

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


@dataclass
class Exchange:
    turns: list  # list of (speaker, utterance)
    readback_ok: int


EXCHANGES = [
    Exchange([("ATC", "climb flight level one two zero"), ("PILOT", "climb flight level one two zero")], 1),
    Exchange([("ATC", "turn left heading two seven zero"), ("PILOT", "left heading two niner zero")], 0),
    Exchange([("ATC", "descend altitude four thousand qnh one zero one three"),
              ("PILOT", "descend four thousand one zero one three"),
              ("ATC", "readback correct contact approach")], 1),
    Exchange([("ATC", "hold short runway two seven"), ("PILOT", "lining up runway two seven"),
              ("ATC", "negative hold short runway two seven"), ("PILOT", "holding short two seven")], 0),
    Exchange([("ATC", "squawk four five two one"), ("PILOT", "squawk four five two one")], 1),
    Exchange([("ATC", "reduce speed one eight zero knots"), ("PILOT", "speed two eight zero")], 0),
    Exchange([("ATC", "cleared to land runway zero niner"), ("PILOT", "cleared to land zero niner"),
              ("ATC", "wind calm")], 1),
    Exchange([("ATC", "contact tower one one eight decimal seven"), ("PILOT", "one one eight decimal one")], 0),
]


def write_vocab(exchanges):
    words = sorted({w for ex in exchanges for _, utt in ex.turns for w in utt.split()})
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(prefix="atc_vocab_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path, len(tokens)


@dataclass
class ExchangeEncoder:
    tokenizer: BertTokenizer
    max_tokens: int = 60
    stats: dict = field(default_factory=lambda: {"encoded": 0})

    def encode(self, ex):
        ids = [self.tokenizer.cls_token_id]
        segs = [0]
        for speaker, utt in ex.turns:
            piece = self.tokenizer.encode(utt, add_special_tokens=False) + [self.tokenizer.sep_token_id]
            ids.extend(piece)
            segs.extend([0 if speaker == "ATC" else 1] * len(piece))
        self.stats["encoded"] += 1
        return {
            "ids": torch.tensor(ids[: self.max_tokens]),
            "segs": torch.tensor(segs[: self.max_tokens]),
            "y": ex.readback_ok,
        }


def collate(items, pad_id):
    ids = pad_sequence([it["ids"] for it in items], batch_first=True, padding_value=pad_id)
    segs = pad_sequence([it["segs"] for it in items], batch_first=True, padding_value=0)
    return {
        "input_ids": ids,
        "token_type_ids": segs,
        "attention_mask": (ids != pad_id).long(),
        "labels": torch.tensor([it["y"] for it in items]),
    }


def main():
    set_seed(11)
    accelerator = Accelerator(cpu=True)

    vocab_path, vocab_size = write_vocab(EXCHANGES)
    tokenizer = BertTokenizer(vocab_path)
    encoder = ExchangeEncoder(tokenizer)
    encoded = [encoder.encode(ex) for ex in EXCHANGES]
    accelerator.print(f"encoded {encoder.stats['encoded']} exchanges, vocab {vocab_size}")

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=2,
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(
        encoded,
        batch_size=2,
        shuffle=True,
        collate_fn=lambda b: collate(b, tokenizer.pad_token_id),
    )
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    accelerator.print("training finished")


if __name__ == "__main__":
    main()
