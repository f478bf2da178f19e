"""Route railway signalling fault tickets to the right maintenance crew.
Each ticket has three free-text fields that are packed into one BERT input."""
import functools
import itertools
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(21)

CREWS = ["track_circuit", "points_machine", "signal_head"]
FIELDS = ("symptom", "location", "action")
TICKETS = [
    {"symptom": "track circuit showing occupied with no train", "location": "block 14 down main",
     "action": "checked rail bonds replaced broken bond", "crew": "track_circuit"},
    {"symptom": "points failed to detect in reverse", "location": "junction 3 crossover",
     "action": "cleaned slide chairs adjusted detection rods", "crew": "points_machine"},
    {"symptom": "red aspect lamp out at home signal", "location": "station approach up line",
     "action": "replaced lamp and tested filament proving", "crew": "signal_head"},
    {"symptom": "intermittent track circuit drop in heavy rain", "location": "cutting near tunnel",
     "action": "cleared ballast from rail foot improved drainage", "crew": "track_circuit"},
    {"symptom": "points motor running but not locking", "location": "yard throat crossover",
     "action": "adjusted lock stretcher bar", "crew": "points_machine"},
    {"symptom": "signal showing dim yellow aspect", "location": "bridge signal down line",
     "action": "refocused led module cleaned lens", "crew": "signal_head"},
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# same layout as the production encoder, just scaled down
TinyBert = functools.partial(BertConfig, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                             intermediate_size=64, max_position_embeddings=96, type_vocab_size=len(FIELDS))


def compose(*fns):
    return functools.reduce(lambda acc, fn: lambda x: fn(acc(x)), fns, lambda x: x)


def ticket_words(ticket):
    return itertools.chain.from_iterable(ticket[f].split() for f in FIELDS)


def write_vocab(folder, tickets):
    words = sorted(set(itertools.chain.from_iterable(map(ticket_words, tickets))))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


def make_packer(tokenizer, fields, max_len):
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id

    def segment(pair):
        seg_idx, text = pair
        ids = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)) + [sep_id]
        return ids, [seg_idx] * len(ids)

    def pack(ticket):
        pieces = list(map(segment, enumerate(ticket[f] for f in fields)))
        ids = [cls_id] + list(itertools.chain.from_iterable(p[0] for p in pieces))
        segs = [0] + list(itertools.chain.from_iterable(p[1] for p in pieces))
        return {"ids": ids[:max_len], "segs": segs[:max_len], "crew": CREWS.index(ticket["crew"])}

    return pack


def make_collate(pad_id):
    def pad_to(seq, width, value):
        return seq + [value] * (width - len(seq))

    def collate(items):
        width = max(len(it["ids"]) for it in items)
        return {
            "input_ids": torch.tensor([pad_to(it["ids"], width, pad_id) for it in items]),
            "token_type_ids": torch.tensor([pad_to(it["segs"], width, 0) for it in items]),
            "attention_mask": torch.tensor([pad_to([1] * len(it["ids"]), width, 0) for it in items]),
            "labels": torch.tensor([it["crew"] for it in items]),
        }

    return collate


workdir = tempfile.mkdtemp(prefix="signals_")
tokenizer = compose(functools.partial(write_vocab, workdir), BertTokenizer)(TICKETS)
pack = make_packer(tokenizer, FIELDS, max_len=64)
examples = list(map(pack, TICKETS))
print(f"packed {len(examples)} tickets, longest = {max(len(e['ids']) for e in examples)} tokens")

accelerator = Accelerator(cpu=True)
model = BertForSequenceClassification(TinyBert(vocab_size=len(tokenizer), num_labels=len(CREWS)))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
loader = DataLoader(examples, batch_size=3, shuffle=True, collate_fn=make_collate(tokenizer.pad_token_id))
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

model.eval()
with torch.no_grad():
    probe = make_collate(tokenizer.pad_token_id)(examples[:2])
    preds = F.softmax(model(**probe).logits, dim=-1).argmax(-1)
accelerator.print("predicted crews:", [CREWS[i] for i in preds.tolist()])
