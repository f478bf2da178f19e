"""Railway dispatcher message triage: category + urgency from one encoder.

Trained with Accelerate so the same script runs on the depot workstation and the
cluster. Eval writes flat score rows for the ops dashboard and prints accuracy per head.
"""
import os
import re
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

set_seed(5)

CATEGORIES = ["signal_fault", "track_obstruction", "rolling_stock", "staffing", "weather", "passenger_incident"]
URGENCY = ["routine", "soon", "urgent", "immediate"]

MESSAGES = [
    ("Signal KX214 stuck at red, trains held at Ashford", "signal_fault", "urgent"),
    ("Fallen tree across down line near Milepost 42", "track_obstruction", "immediate"),
    ("Unit 377 reporting brake pressure warning, running slow", "rolling_stock", "soon"),
    ("Driver for 06:10 service called in sick", "staffing", "soon"),
    ("Heavy snow forecast overnight, point heaters needed", "weather", "routine"),
    ("Passenger taken ill on platform 3, ambulance called", "passenger_incident", "urgent"),
    ("Level crossing barrier fault, crossing keeper on site", "signal_fault", "immediate"),
    ("Shopping trolley on the line at Denmark Hill", "track_obstruction", "urgent"),
    ("Door fault on coach C, locked out of use", "rolling_stock", "routine"),
    ("Guard shortage on the late evening services", "staffing", "routine"),
    ("Flooding reported under the bridge at Marden", "weather", "urgent"),
    ("Fight reported on the 18:42, police requested", "passenger_incident", "immediate"),
    ("Track circuit failure between Tonbridge and Paddock Wood", "signal_fault", "soon"),
    ("Landslip on cutting, speed restriction imposed", "track_obstruction", "urgent"),
    ("Pantograph damage on unit 465, taken out of service", "rolling_stock", "soon"),
    ("Signaller relief late, box covered by supervisor", "staffing", "soon"),
]


def build_tokenizer(texts):
    toks = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + toks) + "\n")
    return BertTokenizer(path)


def make_collate(tokenizer):
    def collate(rows):
        enc = tokenizer([r[0] for r in rows], padding=True, return_tensors="pt")
        enc["category"] = torch.tensor([CATEGORIES.index(r[1]) for r in rows])
        enc["urgency"] = torch.tensor([URGENCY.index(r[2]) for r in rows])
        return dict(enc)
    return collate


class DispatchModel(nn.Module):
    def __init__(self, config, n_urgency):
        super().__init__()
        self.config = config
        self.bert = BertModel(config)
        self.category = nn.Linear(config.hidden_size, config.num_labels)
        self.urgency = nn.Linear(config.hidden_size, n_urgency)

    def forward(self, input_ids, attention_mask, token_type_ids=None, **_):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).pooler_output
        return {"category": self.category(pooled), "urgency": self.urgency(pooled)}


def evaluate_head(model, loader, accelerator, head):
    model.eval()
    flat_scores, gold = [], []
    for batch in loader:
        with torch.no_grad():
            out = model(**batch)
        logits, target = accelerator.gather_for_metrics((out[head], batch[head]))
        flat_scores.extend(logits.softmax(-1).flatten().tolist())
        gold.extend(target.tolist())
    scores = torch.tensor(flat_scores).view(-1, model.config.num_labels)
    preds = scores.argmax(-1)
    acc = (preds == torch.tensor(gold)).float().mean().item()
    return acc, scores


def main():
    accelerator = Accelerator(cpu=True)
    tok = build_tokenizer([m[0] for m in MESSAGES])
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(CATEGORIES))
    model = DispatchModel(cfg, n_urgency=len(URGENCY))
    collate = make_collate(tok)
    train_dl = DataLoader(MESSAGES, batch_size=4, shuffle=True, collate_fn=collate)
    eval_dl = DataLoader(MESSAGES[:12], batch_size=4, collate_fn=collate)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model, opt, train_dl, eval_dl = accelerator.prepare(model, opt, train_dl, eval_dl)

    for epoch in range(2):
        model.train()
        for batch in train_dl:
            out = model(**batch)
            loss = F.cross_entropy(out["category"], batch["category"]) + F.cross_entropy(out["urgency"], batch["urgency"])
            accelerator.backward(loss)
            opt.step()
            opt.zero_grad()
        accelerator.print(f"epoch {epoch} last loss {loss.item():.4f}")

    for head in ("category", "urgency"):
        acc, scores = evaluate_head(model, eval_dl, accelerator, head)
        accelerator.print(f"{head:9s} acc={acc:.3f} rows={scores.shape[0]}")


if __name__ == "__main__":
    main()
