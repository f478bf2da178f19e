"""Convert free-text bird-ringing field notes into the scheme's coded record line.

Tiny T5 trained with Accelerate. The decoder is only ever allowed to emit tokens that occur in
the coded records, so both training loss and generation run over that closed code vocabulary.
"""
import functools
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertTokenizer, T5Config, T5ForConditionalGeneration

set_seed(5)

FIELD_NOTES = [
    ("adult female blackbird wing 128 ring on left leg", "TURMER F AD W128 LL"),
    ("juvenile robin wing 71 ringed right leg", "ERIRUB U JUV W71 RL"),
    ("adult male great tit wing 76 left leg", "PARMAJ M AD W76 LL"),
    ("first year female blackbird wing 125 right leg", "TURMER F FY W125 RL"),
    ("adult robin wing 72 left leg retrap", "ERIRUB U AD W72 LL RT"),
    ("juvenile great tit wing 74 right leg", "PARMAJ U JUV W74 RL"),
    ("adult male blackbird wing 131 left leg retrap", "TURMER M AD W131 LL RT"),
    ("first year robin wing 70 right leg", "ERIRUB U FY W70 RL"),
]
MAX_NOTE_LEN, MAX_CODE_LEN = 20, 10


def build_tokenizer():
    words = set()
    for note, code in FIELD_NOTES:
        words.update(note.lower().split())
        words.update(code.lower().split())
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return BertTokenizer(path)


def collate(rows, tok):
    notes = tok([n for n, _ in rows], padding=True, truncation=True, max_length=MAX_NOTE_LEN,
                return_token_type_ids=False, return_tensors="pt")
    codes = tok([c for _, c in rows], add_special_tokens=False, truncation=True,
                max_length=MAX_CODE_LEN - 1)["input_ids"]
    width = max(len(c) for c in codes) + 1
    targets = torch.full((len(rows), width), -100)
    for i, c in enumerate(codes):
        targets[i, :len(c) + 1] = torch.tensor(c + [tok.sep_token_id])
    return {"input_ids": notes["input_ids"], "attention_mask": notes["attention_mask"], "labels": targets}


def code_vocabulary(tok):
    ids = {tok.sep_token_id}
    for _, code in FIELD_NOTES:
        ids.update(tok(code, add_special_tokens=False)["input_ids"])
    return sorted(ids)


def restricted_loss(logits, targets, allowed):
    code_logits = logits.index_select(-1, allowed)
    return F.cross_entropy(code_logits.reshape(-1, code_logits.size(-1)), targets.reshape(-1),
                           ignore_index=-100)


tok = build_tokenizer()
code_ids = code_vocabulary(tok)
allowed = torch.tensor(code_ids)
print(f"full vocab {len(tok)}, code vocab {len(code_ids)}")

config = T5Config(vocab_size=len(tok), d_model=32, d_kv=16, d_ff=64, num_layers=1,
                  num_decoder_layers=1, num_heads=2, dropout_rate=0.0,
                  pad_token_id=tok.pad_token_id, eos_token_id=tok.sep_token_id,
                  decoder_start_token_id=tok.pad_token_id)
model = T5ForConditionalGeneration(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3)
loader = DataLoader(FIELD_NOTES, batch_size=4, shuffle=True,
                    collate_fn=functools.partial(collate, tok=tok))

accelerator = Accelerator(cpu=True)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
allowed = allowed.to(accelerator.device)

for epoch in range(30):
    model.train()
    running = 0.0
    for batch in loader:
        out = model(**batch)  # T5 builds decoder_input_ids from the labels
        loss = restricted_loss(out.logits, batch["labels"], allowed)
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        running += loss.item()
    if epoch % 10 == 0:
        accelerator.print(f"epoch {epoch} code-loss {running / len(loader):.4f}")

model.eval()
unwrapped = accelerator.unwrap_model(model)
new_notes = ["adult female robin wing 73 left leg", "juvenile blackbird wing 120 right leg retrap"]
enc = tok(new_notes, padding=True, return_token_type_ids=False, return_tensors="pt")
with torch.no_grad():
    gen = unwrapped.generate(**enc, max_new_tokens=MAX_CODE_LEN,
                             prefix_allowed_tokens_fn=lambda batch_id, prefix: code_ids)
for note, line in zip(new_notes, tok.batch_decode(gen, skip_special_tokens=True)):
    accelerator.print(f"{note:48} -> {line.upper()}")
