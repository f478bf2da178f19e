import os
import random
import tempfile
from types import SimpleNamespace

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

random.seed(3)
torch.manual_seed(3)

INSPECTION_NOTES = [
    "hive 4 strong brood pattern queen seen calm bees",
    "hive 2 varroa count high treat with oxalic next week",
    "hive 7 nosema signs on frames reduce feeding",
    "hive 1 capped brood on six frames add super",
    "hive 3 varroa low queen cells found split soon",
    "hive 5 weak colony robbing at entrance reduce entrance",
    "hive 6 nosema suspected sample sent to lab",
    "hive 8 honey flow strong add second super",
]

BASE_WORDS = (
    "hive queen bees brood frames super colony honey flow strong weak calm seen count high low "
    "treat with next week signs on reduce feeding capped six add cells found split soon robbing at "
    "entrance suspected sample sent to lab second pattern oxalic"
).split()


def write_vocab(words):
    folder = tempfile.mkdtemp(prefix="apiary_tok_")
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    digits = [str(d) for d in range(10)]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + digits + sorted(set(words))) + "\n")
    return path


def mask_tokens(input_ids, tokenizer, prob=0.2):
    labels = input_ids.clone()
    special = torch.tensor(
        [tokenizer.get_special_tokens_mask(row, already_has_special_tokens=True) for row in input_ids.tolist()],
        dtype=torch.bool,
    )
    chosen = (torch.rand(input_ids.shape) < prob) & ~special & (input_ids != tokenizer.pad_token_id)
    labels[~chosen] = -100
    masked = input_ids.clone()
    masked[chosen] = tokenizer.mask_token_id
    return masked, labels


hp = SimpleNamespace(hidden=64, layers=2, heads=4, max_len=24, lr=5e-4, steps=5, batch=4)

tokenizer = BertTokenizer(write_vocab(BASE_WORDS))
added = tokenizer.add_tokens(["varroa", "nosema"])
print(f"added {added} domain tokens")
hp.vocab_size = len(tokenizer)

config = BertConfig(
    vocab_size=hp.vocab_size,
    hidden_size=hp.hidden,
    num_hidden_layers=hp.layers,
    num_attention_heads=hp.heads,
    intermediate_size=hp.hidden * 2,
    max_position_embeddings=hp.max_len,
)
model = BertForMaskedLM(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=hp.lr)
print(f"model vocab={hp.vocab_size} params={sum(p.numel() for p in model.parameters())}")

model.train()
for step in range(hp.steps):
    batch_notes = random.sample(INSPECTION_NOTES, hp.batch)
    enc = tokenizer(batch_notes, padding=True, truncation=True, max_length=hp.max_len, return_tensors="pt")
    inputs, labels = mask_tokens(enc["input_ids"], tokenizer)
    out = model(input_ids=inputs, attention_mask=enc["attention_mask"], labels=labels)
    optimizer.zero_grad()
    out.loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print(f"step {step:2d} mlm loss {out.loss.item():.3f}")

model.eval()
probe = tokenizer("hive 2 [MASK] count high", return_tensors="pt")
with torch.no_grad():
    logits = model(**probe).logits
pos = (probe["input_ids"][0] == tokenizer.mask_token_id).nonzero()[0].item()
print("top guesses:", tokenizer.convert_ids_to_tokens(logits[0, pos].topk(3).indices.tolist()))
