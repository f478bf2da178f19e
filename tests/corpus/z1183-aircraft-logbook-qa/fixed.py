"""Extractive QA over aircraft technical log entries (which part, which station, ...).

Span heads are trained with our own NLL so we can down-weight the end head later.
"""
import os
import re
import tempfile
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForQuestionAnswering, BertTokenizer, Trainer, TrainerCallback,
                          TrainingArguments)

torch.manual_seed(5)

LOG = [
    ("which part was replaced ?", "during the a check the crew reported a sticky throttle and the mechanic replaced the left brake assembly", "left brake assembly"),
    ("where was the aircraft inspected ?", "bird strike on final approach , the aircraft was inspected at the oslo line station", "oslo line station"),
    ("what was found on the blade ?", "borescope of engine two after the flight showed a small nick on the first stage blade", "small nick"),
    ("which system was deferred ?", "cabin crew noted the aft lavatory smoke detector inoperative so the item was deferred under mel", "aft lavatory smoke detector"),
    ("what was torqued ?", "after the wheel change at the gate the technician torqued the axle nut to the manual value", "axle nut"),
    ("who signed the release ?", "all open items were closed before departure and the release was signed by the duty engineer", "duty engineer"),
]


def write_vocab():
    words = sorted({w for q, c, _ in LOG for w in re.findall(r"\w+|[^\w\s]", (q + " " + c).lower())})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class SpanTargets:
    def on_batch_start(self, state, batch):
        state.offsets = batch.pop("offsets")
        in_ctx = batch["token_type_ids"].bool()
        first, last = state.offsets[..., 0], state.offsets[..., 1]
        c_start = batch.pop("answer_start").unsqueeze(1)
        c_end = batch.pop("answer_end").unsqueeze(1)
        state.start_idx = (in_ctx & (first <= c_start) & (last > c_start)).int().argmax(1)
        state.end_idx = (in_ctx & (first < c_end) & (last >= c_end)).int().argmax(1)
        return batch

    def on_forward(self, state, outputs):
        ctx = state.context_mask
        start = outputs.start_logits.masked_fill(~ctx, -1e4)
        end = outputs.end_logits.masked_fill(~ctx, -1e4)
        nll_s = -F.log_softmax(start, -1).gather(1, state.start_idx.unsqueeze(1)).squeeze(1)
        nll_e = -F.log_softmax(end, -1).gather(1, state.end_idx.unsqueeze(1)).squeeze(1)
        state.loss = (nll_s + state.end_weight * nll_e).mean()
        return outputs

    def on_epoch_end(self, state):
        pass


class ContextOnly:
    def on_batch_start(self, state, batch):
        state.context_mask = batch["token_type_ids"].bool() & batch["attention_mask"].bool()
        return batch

    def on_forward(self, state, outputs):
        pred = outputs.start_logits.masked_fill(~state.context_mask, -1e4).argmax(-1)
        state.pred_char = state.offsets[torch.arange(pred.size(0)), pred, 0]
        return outputs

    def on_epoch_end(self, state):
        print(f"epoch {state.epoch:.0f}: last predicted start chars {state.pred_char.tolist()}")


class Engine:
    def __init__(self, callbacks, **state):
        self.callbacks = callbacks
        self.state = SimpleNamespace(epoch=0, loss=None, **state)

    def step(self, model, batch):
        for cb in self.callbacks:
            batch = cb.on_batch_start(self.state, batch)
        outputs = model(**batch)
        for cb in self.callbacks:
            outputs = cb.on_forward(self.state, outputs)
        return self.state.loss, outputs

    def epoch_end(self, epoch):
        self.state.epoch = epoch
        for cb in self.callbacks:
            cb.on_epoch_end(self.state)


class EngineTrainer(Trainer):
    def __init__(self, *args, engine=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.engine = engine

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        loss, outputs = self.engine.step(model, dict(inputs))
        return (loss, outputs) if return_outputs else loss


class EpochHook(TrainerCallback):
    def __init__(self, engine):
        self.engine = engine

    def on_epoch_end(self, args, state, control, **kwargs):
        self.engine.epoch_end(state.epoch)


def make_collator(tok):
    def collate(rows):
        enc = tok([r["question"] for r in rows], [r["context"] for r in rows], padding=True,
                  return_offsets_mapping=True, return_tensors="pt")
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                "token_type_ids": enc["token_type_ids"], "offsets": enc["offset_mapping"],
                "answer_start": torch.tensor([r["answer_start"] for r in rows]),
                "answer_end": torch.tensor([r["answer_start"] + len(r["answer"]) for r in rows])}
    return collate


if __name__ == "__main__":
    tok = BertTokenizer(write_vocab())
    records = [{"question": q, "context": c, "answer": a, "answer_start": c.index(a)} for q, c, a in LOG]
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128)
    model = BertForQuestionAnswering(cfg)
    engine = Engine([ContextOnly(), SpanTargets()], end_weight=0.8)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=3, num_train_epochs=2,
                             learning_rate=5e-4, use_cpu=True, disable_tqdm=True, report_to=[],
                             remove_unused_columns=False, save_strategy="no", logging_strategy="no")
    trainer = EngineTrainer(model=model, args=args, train_dataset=records, data_collator=make_collator(tok),
                            engine=engine, callbacks=[EpochHook(engine)])
    print(f"{len(records)} log entries, vocab {tok.vocab_size}")
    trainer.train()
    print("training done, final loss", engine.state.loss.item())
