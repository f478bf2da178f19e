"""Classify harbour-master port-call log lines (berthing / bunkering / inspection / delay)
with a tiny BERT, trained through Accelerate.

Data-versioning habit: vocab, label map and encoded rows are all dumped to JSON in a run
folder and reloaded from disk before anything downstream touches them.
"""
import json
import os
import tempfile
from functools import partial

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)
RUN = tempfile.mkdtemp(prefix="portcalls_")
MANIFEST = {
    "base_vocab": os.path.join(RUN, "vocab_base.json"),
    "vocab_txt": os.path.join(RUN, "vocab.txt"),
    "labels": os.path.join(RUN, "labels.json"),
    "rows": os.path.join(RUN, "rows_v1.json"),
}


def save_json(obj, path):
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


def load_json(path):
    with open(path) as f:
        return json.load(f)


LOG = [
    ("vessel MV ALDER berthed at quay 4 pilot onboard", "berthing"),
    ("bunkering 300t VLSFO barge alongside MV KESTREL", "bunkering"),
    ("port state inspection MV ALDER two deficiencies recorded", "inspection"),
    ("MV ORCA delayed at anchorage awaiting tide", "delay"),
    ("pilot boarded MV KESTREL berthed quay 2", "berthing"),
    ("fuel barge alongside MV ORCA bunkering completed", "bunkering"),
    ("inspection detained MV KESTREL lifeboat deficiencies", "inspection"),
    ("MV ALDER delayed fog closed channel", "delay"),
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
DOMAIN_TOKENS = ["alder", "kestrel", "orca", "vlsfo"]   # vessel names / fuel grades kept whole

base = SPECIALS + sorted({w for line, _ in LOG for w in line.lower().split()} - set(DOMAIN_TOKENS))
save_json(base, MANIFEST["base_vocab"])

# the tokenizer vocab = frozen base + our domain entries appended at the end
with open(MANIFEST["vocab_txt"], "w") as f:
    f.write("\n".join(load_json(MANIFEST["base_vocab"]) + DOMAIN_TOKENS) + "\n")

save_json({lab: i for i, lab in enumerate(sorted({lab for _, lab in LOG}))}, MANIFEST["labels"])
tok = BertTokenizer(MANIFEST["vocab_txt"], do_lower_case=True)
label_ids = load_json(MANIFEST["labels"])
save_json([{"ids": tok(line)["input_ids"], "y": label_ids[lab]} for line, lab in LOG], MANIFEST["rows"])


def collate(rows, pad_id):
    width = max(len(r["ids"]) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    keep = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r["ids"])] = torch.tensor(r["ids"])
        keep[i, : len(r["ids"])] = 1
    return {"input_ids": ids, "attention_mask": keep,
            "labels": torch.tensor([r["y"] for r in rows])}


rows = load_json(MANIFEST["rows"])
loader = DataLoader(rows, batch_size=4, shuffle=True, collate_fn=partial(collate, pad_id=tok.pad_token_id))

vocab_entries = load_json(MANIFEST["base_vocab"])
cfg = BertConfig(vocab_size=len(vocab_entries), hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                 num_labels=len(label_ids))
model = BertForSequenceClassification(cfg)
optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

accelerator = Accelerator(cpu=True)
model, optim, loader = accelerator.prepare(model, optim, loader)
accelerator.print(f"run dir {RUN}: {len(rows)} rows, vocab {cfg.vocab_size}, {cfg.num_labels} classes")

model.train()
for epoch in range(2):
    running = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        accelerator.backward(out.loss)
        optim.step()
        optim.zero_grad()
        running += out.loss.item()
    accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

save_json({"final_loss": running / (step + 1), "manifest": MANIFEST}, os.path.join(RUN, "summary.json"))
accelerator.print("finished")
