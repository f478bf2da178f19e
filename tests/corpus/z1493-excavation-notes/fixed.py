"""Span typing for excavation field notes with a tiny BERT encoder (Lightning).

Each annotated span is a character range in the note; the span representation is
the concatenation of the encoder states at its first and last piece.
"""
import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

SPAN_TYPES = ["ARTIFACT", "MATERIAL", "CONTEXT"]

NOTES = [
    ("Trench four yielded a bronze fibula beneath the ash layer",
     [("bronze", "MATERIAL"), ("fibula", "ARTIFACT"), ("ash layer", "CONTEXT")]),
    ("A burnished sherd lay inside the posthole fill",
     [("burnished sherd", "ARTIFACT"), ("posthole fill", "CONTEXT")]),
    ("Charred oak beams collapsed over the hearth",
     [("oak", "MATERIAL"), ("beams", "ARTIFACT"), ("hearth", "CONTEXT")]),
    ("An iron spearhead was recovered from the ditch terminal",
     [("iron", "MATERIAL"), ("spearhead", "ARTIFACT"), ("ditch terminal", "CONTEXT")]),
]

WORDS = ("trench four yielded a bronze fibula beneath the ash layer burnished sherd lay inside "
         "posthole fill charred oak beams collapsed over hearth an iron spear was recovered from "
         "ditch terminal").split()
PIECES = ["##head", "##s", "##ed", "##hole", "post"]


def build_tokenizer():
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS + PIECES) + "\n")
    return BertTokenizer(path)


def char_spans(text, annotations):
    out = []
    for phrase, label in annotations:
        start = text.index(phrase)
        out.append({"start": start, "end": start + len(phrase), "label": SPAN_TYPES.index(label)})
    return out


def make_collate(tokenizer):
    def collate(batch):
        texts = [t for t, _ in batch]
        enc = tokenizer(texts, padding=True, return_offsets_mapping=True, return_tensors="pt")
        enc.pop("offset_mapping")
        starts, ends, types, owner = [], [], [], []
        for i, (text, anns) in enumerate(batch):
            for sp in char_spans(text, anns):
                starts.append(enc.char_to_token(i, sp["start"]))
                ends.append(enc.char_to_token(i, sp["end"] - 1))
                types.append(sp["label"])
                owner.append(i)
        return {
            "encoding": dict(enc),
            "span_start": torch.tensor(starts),
            "span_end": torch.tensor(ends),
            "span_owner": torch.tensor(owner),
            "span_type": torch.tensor(types),
        }
    return collate


class SpanTyper(L.LightningModule):
    def __init__(self, vocab_size, n_types, hidden=32):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.GELU(), nn.Linear(hidden, n_types))
        self.loss_fn = nn.CrossEntropyLoss()

    def span_repr(self, states, owner, starts, ends):
        rows = []
        for b, s, e in zip(owner.tolist(), starts, ends):
            seq = states[b]
            pair = seq.index_select(0, torch.stack([s, e]))
            rows.append(pair.reshape(-1))
        return torch.stack(rows)

    def training_step(self, batch, batch_idx):
        states = self.encoder(**batch["encoding"]).last_hidden_state
        reps = self.span_repr(states, batch["span_owner"], batch["span_start"], batch["span_end"])
        loss = self.loss_fn(self.head(reps), batch["span_type"])
        self.log("train_loss", loss, prog_bar=False, batch_size=len(batch["span_type"]))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=3e-4)


def main():
    tok = build_tokenizer()
    print("vocab size:", tok.vocab_size)
    loader = DataLoader(NOTES, batch_size=2, shuffle=False, collate_fn=make_collate(tok))
    model = SpanTyper(tok.vocab_size, len(SPAN_TYPES))
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
