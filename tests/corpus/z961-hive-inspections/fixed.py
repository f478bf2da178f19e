"""Masked-LM warm-up on beekeepers' hive inspection notes, driven by Accelerate.

The notes use a handful of shorthand markers ([BROOD], [QUEEN], ...) that we
register with the tokenizer so they are never split into word pieces.
"""
import os
import random
import tempfile
from functools import reduce, partial
from operator import itemgetter

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

random.seed(11)
torch.manual_seed(11)

SHORTHAND = ("[BROOD]", "[QUEEN]", "[VARROA]", "[SWARM]")

NOTES = (
    "[QUEEN] seen on frame four laying well capped [BROOD] on six frames",
    "heavy [VARROA] count after sugar roll treat with oxalic next visit",
    "queen cells on bottom bars [SWARM] risk high add a super today",
    "no [QUEEN] seen but fresh eggs present [BROOD] pattern patchy",
    "colony calm honey flow strong added second super",
    "[VARROA] drop low on board [BROOD] solid across five frames",
    "hive light on stores feed syrup and check again in a week",
    "[SWARM] left yesterday two queen cells remaining keep one",
)

BASE_WORDS = tuple(sorted({w for n in NOTES for w in n.split() if w not in SHORTHAND}))


def compose(*fns):
    return lambda x: reduce(lambda acc, f: f(acc), reversed(fns), x)


def write_vocab(words):
    folder = tempfile.mkdtemp(prefix="hive_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]") + words) + "\n")
    return path


def make_tokenizer():
    tok = BertTokenizer(write_vocab(BASE_WORDS), do_lower_case=False)
    tok.add_special_tokens({"additional_special_tokens": list(SHORTHAND)})
    return tok


def mask_tokens(tok, ids, special, rate=0.2):
    # standard 80/20 masking, simplified: every chosen position becomes [MASK]
    chosen = torch.bernoulli(torch.full(ids.shape, rate)).bool() & ~special
    targets = torch.where(chosen, ids, torch.full_like(ids, -100))
    corrupted = torch.where(chosen, torch.full_like(ids, tok.mask_token_id), ids)
    return corrupted, targets


def collate(tok, notes):
    enc = tok(list(notes), padding=True, return_tensors="pt", return_special_tokens_mask=True)
    corrupted, targets = mask_tokens(tok, enc["input_ids"], enc["special_tokens_mask"].bool())
    return {
        "input_ids": corrupted,
        "attention_mask": enc["attention_mask"],
        "token_type_ids": enc["token_type_ids"],
        "labels": targets,
    }


tokenizer = make_tokenizer()
print(f"tokenizer ready: {tokenizer.vocab_size} word pieces, shorthand {SHORTHAND}")

config = BertConfig(
    vocab_size=len(tokenizer),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    pad_token_id=tokenizer.pad_token_id,
)
model = BertForMaskedLM(config)

accelerator = Accelerator(cpu=True)
loader = DataLoader(NOTES, batch_size=4, shuffle=True, collate_fn=partial(collate, tokenizer))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

step_loss = compose(
    lambda out: out.loss,
    lambda batch: model(**batch),
)

history = ()
model.train()
for epoch in range(2):
    for batch in loader:
        loss = step_loss(batch)
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        history = history + ((epoch, loss.item()),)
    accelerator.print(f"epoch {epoch}: last loss {history[-1][1]:.4f}")

mean_loss = reduce(lambda acc, v: acc + v, map(itemgetter(1), history), 0.0) / len(history)
accelerator.print(f"{len(history)} steps, mean loss {mean_loss:.4f}")
