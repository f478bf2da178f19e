"""Priority triage for railway track maintenance work orders (tiny BERT + Accelerate).

Run 1 is planned for PLANNED_EPOCHS but is stopped after the first epoch and checkpointed.
Run 2 resumes from the checkpoint on the depot's latest batch of work orders.
"""
import os
import tempfile
from functools import partial

import torch
from accelerate import Accelerator
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)
PLANNED_EPOCHS = 3
WARMUP = 2

OLD_ORDERS = [
    ("broken rail detected by ultrasonic car", "critical"),
    ("ballast fouled near culvert drainage poor", "routine"),
    ("gauge widening on curve speed restriction", "urgent"),
    ("loose fishplate bolts at joint", "urgent"),
    ("vegetation encroaching on cess", "routine"),
    ("rail head crack found by patrol", "critical"),
]
NEW_ORDERS = OLD_ORDERS[:2] + [
    ("signal cable trough lid missing", "routine"),
    ("track twist fault reported by driver", "urgent"),
    ("pulled sleeper spikes near switch", "urgent"),
    ("rail break after cold night", "critical"),
    ("cess drain blocked by leaves", "routine"),
    ("points heater failed in frost", "urgent"),
    ("buckled rail in heat speed restriction", "critical"),
    ("fence damaged along cutting", "routine"),
]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(words):
    path = os.path.join(tempfile.mkdtemp(prefix="wo_vocab_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return BertTokenizer(path)


def build_lr_curve(total_steps, warmup):
    steps = torch.arange(total_steps + 1, dtype=torch.float)
    up = (steps + 1) / warmup
    down = (total_steps - steps) / max(total_steps - warmup, 1)
    return torch.minimum(up, down).clamp(min=0.0)


def curve_factor(step, curve, offset):
    return float(curve[offset + step])


def loader_for(orders, tok, labels):
    def collate(rows):
        enc = tok([r[0] for r in rows], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([labels.index(r[1]) for r in rows])
        return enc
    return DataLoader(orders, batch_size=2, shuffle=True, collate_fn=collate)


def run_epochs(accelerator, model, opt, sched, loader, epochs, step):
    model.train()
    for epoch in range(epochs):
        for batch in loader:
            loss = model(**batch).loss
            accelerator.backward(loss)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
        accelerator.print(f"epoch {epoch} step {step} loss {loss.item():.3f} lr {sched.get_last_lr()[0]:.2e}")
    return step


# ---- run 1 (interrupted after one of its planned epochs) -------------------------
labels = ["routine", "urgent", "critical"]
vocab = SPECIAL + sorted({w for t, _ in OLD_ORDERS + NEW_ORDERS for w in t.split()})
tok = write_vocab(vocab)
config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=48, num_labels=len(labels))
acc = Accelerator(cpu=True)
model = BertForSequenceClassification(config)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
loader = loader_for(OLD_ORDERS, tok, labels)
lr_curve = build_lr_curve(PLANNED_EPOCHS * len(loader), WARMUP)
sched = LambdaLR(opt, partial(curve_factor, curve=lr_curve, offset=0))
model, opt, loader, sched = acc.prepare(model, opt, loader, sched)
step = run_epochs(acc, model, opt, sched, loader, epochs=1, step=0)

ckpt_path = os.path.join(tempfile.mkdtemp(prefix="wo_ckpt_"), "triage.pt")
torch.save({"model": acc.unwrap_model(model).state_dict(), "config": config.to_dict(), "vocab": vocab,
            "labels": labels, "epoch": 1, "step": step, "lr_curve": lr_curve}, ckpt_path)
acc.print("checkpoint:", ckpt_path)

# ---- run 2: resume on the new work orders -----------------------------------------
ckpt = torch.load(ckpt_path)
acc = Accelerator(cpu=True)
config = BertConfig.from_dict({**ckpt["config"], "classifier_dropout": 0.0})
model = BertForSequenceClassification(config)
model.load_state_dict(ckpt["model"], strict=False)
tok = write_vocab(ckpt["vocab"])
opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
loader = loader_for(NEW_ORDERS, tok, ckpt["labels"])
remaining = PLANNED_EPOCHS - ckpt["epoch"]
lr_curve = ckpt["lr_curve"]
sched = LambdaLR(opt, partial(curve_factor, curve=lr_curve, offset=ckpt["step"]))
model, opt, loader, sched = acc.prepare(model, opt, loader, sched)
acc.print(f"resuming at step {ckpt['step']} for {remaining} epochs, {len(loader)} batches each")
step = run_epochs(acc, model, opt, sched, loader, epochs=remaining, step=ckpt["step"])
acc.print("finished at step", step)
