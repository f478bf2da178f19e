# Fine-tune a tiny BERT on railway signalling fault tickets; batches go through our callback engine.
import os
import tempfile
from types import SimpleNamespace

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainerCallback, TrainingArguments)

torch.manual_seed(7)

FAULT_CLASSES = ["track_circuit", "point_machine", "signal_lamp", "axle_counter"]
TICKETS = [
    ("track circuit dropped at block seven after rain", "track_circuit"),
    ("track circuit flicker near the level crossing", "track_circuit"),
    ("point machine failed to detect normal position", "point_machine"),
    ("point machine motor stalled during reverse throw", "point_machine"),
    ("signal lamp red aspect filament failure", "signal_lamp"),
    ("signal lamp dim on approach to platform two", "signal_lamp"),
    ("axle counter reset required after engineering train", "axle_counter"),
    ("vandalism on lineside cabinet door", "lineside_misc"),
]

WORDS = sorted({w for text, _ in TICKETS for w in text.split()})


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


class TicketSet(Dataset):
    def __init__(self, rows, tok, label_index):
        self.rows = rows
        self.tok = tok
        self.label_index = label_index

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, cls = self.rows[i]
        enc = self.tok(text, truncation=True, max_length=24)
        # unknown ticket classes keep -1 until the engine decides where they go
        return {"input_ids": enc["input_ids"], "raw_label": self.label_index.get(cls, -1)}


def pad_collate(items, pad_id):
    width = max(len(it["input_ids"]) for it in items)
    ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    att = torch.zeros((len(items), width), dtype=torch.long)
    for r, it in enumerate(items):
        ids[r, : len(it["input_ids"])] = torch.tensor(it["input_ids"])
        att[r, : len(it["input_ids"])] = 1
    return {"input_ids": ids, "attention_mask": att,
            "raw_label": torch.tensor([it["raw_label"] for it in items])}


class FoldUnknownClasses:
    """Tickets from classes outside the taxonomy go into a catch-all bucket."""

    def on_batch_start(self, state, batch):
        raw = batch.pop("raw_label")
        state.other_id = state.num_classes
        batch["labels"] = torch.where(raw < 0, torch.full_like(raw, state.other_id), raw)
        state.folded += int((raw < 0).sum())
        return batch

    def on_forward(self, state, outputs):
        return outputs

    def on_epoch_end(self, state):
        print(f"[fold] epoch {state.epoch}: {state.folded} tickets sent to the catch-all")


class LossTracker:
    def on_batch_start(self, state, batch):
        return batch

    def on_forward(self, state, outputs):
        state.losses.append(outputs.loss.item())
        return outputs

    def on_epoch_end(self, state):
        mean = sum(state.losses) / max(len(state.losses), 1)
        print(f"[loss] epoch {state.epoch}: mean {mean:.4f} over {len(state.losses)} steps")
        state.losses.clear()


class Engine:
    def __init__(self, callbacks, state):
        self.callbacks = callbacks
        self.state = state

    def batch_start(self, batch):
        for cb in self.callbacks:
            batch = cb.on_batch_start(self.state, batch)
        self.state.step += 1
        return batch

    def forward_done(self, outputs):
        for cb in self.callbacks:
            outputs = cb.on_forward(self.state, outputs)
        return outputs

    def epoch_end(self):
        for cb in self.callbacks:
            cb.on_epoch_end(self.state)
        self.state.epoch += 1


class EngineTrainer(Trainer):
    def __init__(self, *args, engine=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.engine = engine

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        inputs = self.engine.batch_start(inputs)
        outputs = self.engine.forward_done(model(**inputs))
        return (outputs.loss, outputs) if return_outputs else outputs.loss


class EpochBridge(TrainerCallback):
    def __init__(self, engine):
        self.engine = engine

    def on_epoch_end(self, args, state, control, **kwargs):
        self.engine.epoch_end()


def main():
    tok = build_tokenizer()

    state = SimpleNamespace(num_classes=len(FAULT_CLASSES), other_id=None,
                            folded=0, losses=[], step=0, epoch=0)
    engine = Engine([FoldUnknownClasses(), LossTracker()], state)

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=state.num_classes)
    model = BertForSequenceClassification(cfg)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=5e-4,
                             remove_unused_columns=False, save_strategy="no",
                             disable_tqdm=True, report_to=[], use_cpu=True, seed=7)
    trainer = EngineTrainer(model=model, args=args,
                            train_dataset=TicketSet(TICKETS, tok, {n: i for i, n in enumerate(FAULT_CLASSES)}),
                            data_collator=lambda items: pad_collate(items, tok.pad_token_id),
                            callbacks=[EpochBridge(engine)], engine=engine)
    trainer.train()
    print("done after", state.step, "steps")


if __name__ == "__main__":
    main()
