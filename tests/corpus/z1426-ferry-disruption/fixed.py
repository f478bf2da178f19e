"""Route ferry passenger notices to the right desk, and resume for the winter timetable.

Stage A trains a small BERT classifier on summer notices and writes a checkpoint.
Stage B picks it up, adds the winter notice types and fine-tunes further.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)

WORDS = ("the a of to on at is are from due for ferry sailing sailings crossing vessel port "
         "delayed delay late minutes hour tide swell wind gale fog berth ramp repair "
         "vehicle deck full booking foot passengers only timetable change winter summer "
         "cancelled suspended resumes tomorrow morning evening route island mainland "
         "refund rebook ticket office closed lifejacket drill crew").split()

SUMMER = [
    ("ferry delayed twenty minutes due to fog", "delay"),
    ("sailing late by an hour ramp repair at port", "delay"),
    ("vehicle deck full foot passengers only", "capacity"),
    ("evening crossing full booking for vehicle deck", "capacity"),
    ("timetable change for summer route to island", "timetable"),
    ("morning sailings from mainland change timetable", "timetable"),
]
WINTER = [
    ("all sailings cancelled due to gale", "cancellation"),
    ("crossing suspended swell at berth resumes tomorrow", "cancellation"),
    ("ferry delayed an hour wind at port", "delay"),
    ("winter timetable change for island route", "timetable"),
    ("vehicle deck full on the morning sailing", "capacity"),
    ("evening sailing cancelled refund or rebook at ticket office", "cancellation"),
]


def make_tokenizer(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


def notice_collate(pairs, tokenizer, label_index):
    texts, desks = zip(*pairs)
    enc = tokenizer(list(texts), padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([label_index[d] for d in desks])
    return dict(enc)


def run_epochs(model, loader, n_epochs, lr):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for ep in range(n_epochs):
        total = 0.0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        print(f"  epoch {ep + 1}: loss {total / len(loader):.4f}")


tmp = tempfile.mkdtemp(prefix="ferry_")
tokenizer = make_tokenizer(tmp)

# ---------------- stage A ----------------
desks = sorted({d for _, d in SUMMER})
desk_index = {d: i for i, d in enumerate(desks)}
cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                 num_labels=len(desks))
model = BertForSequenceClassification(cfg)
loader = DataLoader(SUMMER, batch_size=3, shuffle=True,
                    collate_fn=lambda b: notice_collate(b, tokenizer, desk_index))
print("stage A, desks:", desks)
run_epochs(model, loader, n_epochs=4, lr=2e-3)
ckpt_file = os.path.join(tmp, "router_stageA.pt")
torch.save({"model": model.state_dict(), "config": cfg.to_dict(), "vocab": tokenizer.get_vocab(),
            "labels": desks, "epoch": 4}, ckpt_file)
del model

# ---------------- stage B ----------------
ckpt = torch.load(ckpt_file, weights_only=False)
assert ckpt["vocab"] == tokenizer.get_vocab(), "tokenizer changed since stage A"
winter_desks = list(ckpt["labels"]) + sorted({d for _, d in WINTER} - set(ckpt["labels"]))
winter_index = {d: i for i, d in enumerate(winter_desks)}
print("stage B, desks:", winter_desks)

overrides = {"hidden_dropout_prob": 0.2, "classifier_dropout": 0.2,
             "id2label": dict(enumerate(winter_desks)), "label2id": winter_index}
resumed_cfg = BertConfig.from_dict({**ckpt["config"], **overrides})
model = BertForSequenceClassification(resumed_cfg)
# the desk head is re-learned for the winter desk list; keep the encoder
encoder_state = {k: v for k, v in ckpt["model"].items() if not k.startswith("classifier.")}
missing, _ = model.load_state_dict(encoder_state, strict=False)
print(f"restored encoder from epoch {ckpt['epoch']}, fresh params: {missing}")

loader = DataLoader(WINTER, batch_size=3, shuffle=True,
                    collate_fn=lambda b: notice_collate(b, tokenizer, winter_index))
run_epochs(model, loader, n_epochs=4, lr=1e-3)
torch.save({"model": model.state_dict(), "config": resumed_cfg.to_dict(),
            "vocab": tokenizer.get_vocab(), "labels": winter_desks,
            "epoch": ckpt["epoch"] + 4}, os.path.join(tmp, "router_stageB.pt"))
print("stage B checkpoint written")
