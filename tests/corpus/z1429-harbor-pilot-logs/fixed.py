"""Continued masked-LM pretraining on harbour pilot logbook lines, with Accelerate.

The first run pretrains a tiny encoder and writes a checkpoint; the resumed run
picks it up, registers the new berth / vessel codes that showed up in this
month's logs, and keeps pretraining on them.
"""
import functools
import os
import random
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

set_seed(11)
random.seed(11)

BASE_LOGS = [
    "pilot boarded at outer anchorage tide rising",
    "tug made fast starboard bow vessel swinging",
    "pilot disembarked at fairway buoy visibility good",
    "vessel alongside berth lines secured tide falling",
    "tug released pilot boarded vessel swinging",
    "visibility poor vessel held at outer anchorage",
]
NEW_LOGS = [
    "pilot boarded b7 vessel vlcc tide rising",
    "tug made fast vlcc swinging at b7",
    "vessel alongside b12 lines secured",
    "pilot disembarked ro-ro at fairway buoy",
]
NEW_CODES = ["b7", "b12", "vlcc", "ro-ro"]


def mlm_collate(rows, tokenizer, mask_prob=0.2, max_len=20):
    enc = tokenizer(rows, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    ids = enc["input_ids"].clone()
    targets = ids.clone()
    special = (ids == tokenizer.cls_token_id) | (ids == tokenizer.sep_token_id) | (ids == tokenizer.pad_token_id)
    picked = (torch.rand(ids.shape) < mask_prob) & ~special
    picked[:, 1] |= ~special[:, 1]  # always mask at least one token per line
    targets[~picked] = -100
    ids[picked] = tokenizer.mask_token_id
    return {"input_ids": ids, "attention_mask": enc["attention_mask"], "labels": targets}


def run_epochs(accelerator, model, loader, optim, epochs, tag):
    model.train()
    for ep in range(epochs):
        total = 0.0
        for batch in loader:
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            total += out.loss.item()
        accelerator.print(f"[{tag}] epoch {ep} mlm loss {total / len(loader):.4f}")


accelerator = Accelerator(cpu=True)
work = tempfile.mkdtemp(prefix="pilotlogs_")

words = sorted({w for line in BASE_LOGS for w in line.split()})
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
vocab_file = os.path.join(work, "vocab.txt")
with open(vocab_file, "w") as f:
    f.write("\n".join(vocab) + "\n")

tokenizer = BertTokenizer(vocab_file)
config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=32)
model = BertForMaskedLM(config)
optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
loader = torch.utils.data.DataLoader(BASE_LOGS, batch_size=3, shuffle=True,
                                     collate_fn=functools.partial(mlm_collate, tokenizer=tokenizer))
model, optim, loader = accelerator.prepare(model, optim, loader)
run_epochs(accelerator, model, loader, optim, 2, "base")

ckpt_file = os.path.join(work, "pilot_mlm.pt")
accelerator.wait_for_everyone()
torch.save({"model": accelerator.unwrap_model(model).state_dict(), "config": config.to_dict(),
            "vocab": vocab, "labels": None, "epoch": 2}, ckpt_file)
accelerator.print("saved", ckpt_file)
accelerator.free_memory()
del model, optim, loader

# ------------------------------------------------------------------
# resumed run: new month of logs with berth and vessel-type codes
# ------------------------------------------------------------------
state = torch.load(ckpt_file, weights_only=False)
resume_vocab = os.path.join(work, "vocab_resume.txt")
with open(resume_vocab, "w") as f:
    f.write("\n".join(state["vocab"]) + "\n")
tokenizer = BertTokenizer(resume_vocab)
added = tokenizer.add_tokens(NEW_CODES)
accelerator.print(f"added {added} codes, tokenizer now has {len(tokenizer)} entries")

resume_cfg = BertConfig.from_dict({**state["config"], "attention_probs_dropout_prob": 0.0})
model = BertForMaskedLM(resume_cfg)
missing, unexpected = model.load_state_dict(state["model"], strict=False)
accelerator.print(f"restored epoch {state['epoch']} weights (missing={len(missing)}, unexpected={len(unexpected)})")
model.resize_token_embeddings(len(tokenizer))

optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
loader = torch.utils.data.DataLoader(NEW_LOGS, batch_size=2, shuffle=False,
                                     collate_fn=functools.partial(mlm_collate, tokenizer=tokenizer))
model, optim, loader = accelerator.prepare(model, optim, loader)
run_epochs(accelerator, model, loader, optim, 2, "resume")
accelerator.print("continued pretraining finished")
