"""Seriousness classifier for spontaneous adverse-drug-event reports, trained with Accelerate.

After training we print NLL, accuracy and a reliability table (expected calibration
error), because the safety team uses the model's confidence to decide which reports
get a manual review first.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(3)

GRADES = ["non_serious", "hospitalisation", "life_threatening", "fatal"]

REPORTS = [
    ("mild rash after first dose resolved without treatment", 0),
    ("headache and nausea for one day after injection", 0),
    ("injection site redness and soreness", 0),
    ("dizziness resolved after stopping the drug", 0),
    ("admitted to hospital with severe dehydration after diarrhoea", 1),
    ("hospitalised for two nights with liver enzyme rise", 1),
    ("patient admitted for observation after fainting", 1),
    ("hospital stay due to severe allergic swelling", 1),
    ("anaphylaxis requiring adrenaline and intensive care", 2),
    ("cardiac arrest after infusion revived by team", 2),
    ("respiratory failure requiring ventilation", 2),
    ("severe bleeding needing emergency transfusion", 2),
    ("patient died two days after overdose", 3),
    ("fatal liver failure reported by family", 3),
    ("death from stroke one week after starting therapy", 3),
    ("patient died in hospital of sepsis", 3),
]


def make_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def collate(rows, tokenizer):
    enc = tokenizer([r[0] for r in rows], padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([r[1] for r in rows])
    return dict(enc)


def reliability_bins(confidence, correct, n_bins=10):
    """Histogram of predictions by confidence; returns per-bin count, mean confidence, accuracy."""
    bin_ids = (confidence * n_bins).long()
    count = torch.zeros(n_bins).index_add_(0, bin_ids, torch.ones_like(confidence))
    conf_sum = torch.zeros(n_bins).index_add_(0, bin_ids, confidence)
    hit_sum = torch.zeros(n_bins).index_add_(0, bin_ids, correct.float())
    nz = count.clamp(min=1)
    return count, conf_sum / nz, hit_sum / nz


def expected_calibration_error(count, mean_conf, acc):
    return ((count / count.sum()) * (mean_conf - acc).abs()).sum().item()


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = make_tokenizer(r[0] for r in REPORTS)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(GRADES))
    model = BertForSequenceClassification(cfg)
    coll = lambda rows: collate(rows, tokenizer)
    train_dl = DataLoader(REPORTS, batch_size=4, shuffle=True, collate_fn=coll)
    eval_dl = DataLoader(REPORTS, batch_size=8, collate_fn=coll)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    model, opt, train_dl, eval_dl = accelerator.prepare(model, opt, train_dl, eval_dl)

    for epoch in range(4):
        model.train()
        for batch in train_dl:
            loss = model(**batch).loss
            accelerator.backward(loss)
            opt.step()
            opt.zero_grad()
        accelerator.print(f"epoch {epoch} last batch loss {loss.item():.4f}")

    model.eval()
    all_logits, all_gold = [], []
    for batch in eval_dl:
        with torch.no_grad():
            logits = model(**batch).logits
        logits, gold = accelerator.gather_for_metrics((logits, batch["labels"]))
        all_logits.append(logits)
        all_gold.append(gold)
    logits, gold = torch.cat(all_logits), torch.cat(all_gold)

    log_probs = logits.log_softmax(-1)
    nll = F.nll_loss(log_probs, gold).item()
    top, pred = log_probs.max(-1)
    correct = pred.eq(gold)
    accelerator.print(f"eval nll {nll:.4f}  accuracy {correct.float().mean().item():.3f}")

    count, mean_conf, acc = reliability_bins(top, correct)
    for b in range(len(count)):
        if count[b] > 0:
            accelerator.print(f"  bin {b / 10:.1f}-{(b + 1) / 10:.1f}: n={int(count[b])} "
                              f"conf={mean_conf[b]:.3f} acc={acc[b]:.3f}")
    accelerator.print(f"ECE {expected_calibration_error(count, mean_conf, acc):.4f}")


if __name__ == "__main__":
    main()
