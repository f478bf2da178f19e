"""Tag the last transmission of an ATC exchange (clearance / readback / request).

Each example is a window of consecutive radio turns; the model sees which
turn a token came from through the segment embedding.
"""
import itertools
import os
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

ACTS = ["clearance", "readback", "request"]
CONTEXT_TURNS = 3
TURN_STRIDE = 1

EXCHANGES = [
    [("ctl", "speedbird four two climb flight level one two zero", "clearance"),
     ("plt", "climb flight level one two zero speedbird four two", "readback"),
     ("plt", "speedbird four two request direct lima", "request"),
     ("ctl", "speedbird four two proceed direct lima", "clearance"),
     ("plt", "direct lima speedbird four two", "readback")],
    [("plt", "tower delta one one ready for departure runway two seven", "request"),
     ("ctl", "delta one one wind calm runway two seven cleared for takeoff", "clearance"),
     ("plt", "cleared for takeoff runway two seven delta one one", "readback"),
     ("ctl", "delta one one contact departure one two four decimal five", "clearance"),
     ("plt", "one two four decimal five delta one one", "readback")],
    [("plt", "approach easy nine request lower due turbulence", "request"),
     ("ctl", "easy nine descend flight level eight zero", "clearance"),
     ("plt", "descend flight level eight zero easy nine", "readback"),
     ("plt", "easy nine request vectors ils runway two seven", "request")],
]


def read_records(exchanges):
    for conv_id, turns in enumerate(exchanges):
        yield conv_id, turns


def turn_windows(turns, size, stride):
    for start in range(0, len(turns) - size + 1, stride):
        yield turns[start:start + size]


def encode_window(window, tokenizer):
    pieces, segments = [], []
    for seg_no, (speaker, text, _) in enumerate(window):
        ids = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(f"{speaker} {text}"))
        pieces.append(ids + [tokenizer.sep_token_id])
        segments.append([seg_no] * (len(ids) + 1))
    token_ids = [tokenizer.cls_token_id] + list(itertools.chain.from_iterable(pieces))
    segment_ids = [0] + list(itertools.chain.from_iterable(segments))
    return {"token_ids": token_ids, "segment_ids": segment_ids, "act": ACTS.index(window[-1][2])}


def tokenize_stream(records, tokenizer, size, stride):
    for _, turns in records:
        for window in turn_windows(turns, size, stride):
            yield encode_window(window, tokenizer)


def collate(batch, pad_id=0):
    width = max(len(b["token_ids"]) for b in batch)
    def pad(seq, fill):
        return seq + [fill] * (width - len(seq))
    return {
        "input_ids": torch.tensor([pad(b["token_ids"], pad_id) for b in batch]),
        "token_type_ids": torch.tensor([pad(b["segment_ids"], 0) for b in batch]),
        "attention_mask": torch.tensor([pad([1] * len(b["token_ids"]), 0) for b in batch]),
        "labels": torch.tensor([b["act"] for b in batch]),
    }


class ReadbackTagger(L.LightningModule):
    def __init__(self, config, lr=3e-4):
        super().__init__()
        self.encoder = BertForSequenceClassification(config)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.encoder(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def build_tokenizer(folder):
    words = sorted({w for conv in EXCHANGES for spk, text, _ in conv for w in f"{spk} {text}".split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    tokenizer = build_tokenizer(tempfile.mkdtemp(prefix="atc_"))
    examples = list(tokenize_stream(read_records(EXCHANGES), tokenizer, CONTEXT_TURNS, TURN_STRIDE))
    print(f"{len(examples)} windows of {CONTEXT_TURNS} turns, vocab {tokenizer.vocab_size}")

    loader = DataLoader(examples, batch_size=4, shuffle=True,
                        collate_fn=lambda b: collate(b, pad_id=tokenizer.pad_token_id))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        type_vocab_size=CONTEXT_TURNS, num_labels=len(ACTS))
    tagger = ReadbackTagger(config)

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(tagger, train_dataloaders=loader)
    print("done, last loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
