"""Condition-report triage for a textile collection: sweep label granularity and
optimiser settings for a tiny BERT, with accelerate handling device placement."""
import itertools
import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

FINE = ["sound", "surface_dirt", "light_fading", "tear", "pest_damage"]
COARSE = ["stable", "monitor", "treat"]
FINE_TO_COARSE = {"sound": "stable", "surface_dirt": "monitor", "light_fading": "monitor",
                  "tear": "treat", "pest_damage": "treat"}
SCHEMES = {"coarse": COARSE, "fine": FINE}

REPORTS = [
    ("sampler intact colours bright no losses", "sound"),
    ("tapestry stable on display mount", "sound"),
    ("grey dust film along upper hem", "surface_dirt"),
    ("soot deposits on lining after storage", "surface_dirt"),
    ("dye faded on window facing side", "light_fading"),
    ("silk panel colours washed out", "light_fading"),
    ("split along weft near fold line", "tear"),
    ("torn silk at hanging sleeve", "tear"),
    ("moth holes and frass on wool", "pest_damage"),
    ("carpet beetle larvae casings found", "pest_damage"),
]
DEV = [
    ("quilt intact no losses observed", "sound"),
    ("dust along hem of banner", "surface_dirt"),
    ("colours faded on exposed side", "light_fading"),
    ("split at fold of silk panel", "tear"),
    ("moth damage on wool sleeve", "pest_damage"),
    ("lining torn near hanging sleeve", "tear"),
]

GRID = {"scheme": ["coarse", "fine"], "lr": [1e-3, 3e-3], "dropout": [0.0, 0.1]}


class ConfusionTracker:
    def __init__(self, num_classes):
        self.num_classes = num_classes
        self.table = torch.zeros(num_classes, num_classes, dtype=torch.long)

    def reset(self):
        self.table.zero_()

    def update(self, gold, pred):
        ones = torch.ones_like(gold, dtype=torch.long)
        self.table.index_put_((gold.cpu(), pred.cpu()), ones.cpu(), accumulate=True)

    def per_class_recall(self):
        return (self.table.diag().float() / self.table.sum(1).clamp(min=1)).tolist()


@dataclass
class Batcher:
    tok: BertTokenizer
    names: list

    def __call__(self, rows):
        enc = self.tok([r[0] for r in rows], padding=True, return_tensors="pt")
        return {"ids": enc["input_ids"], "attn": enc["attention_mask"],
                "y": torch.tensor([self.names.index(r[1]) for r in rows])}


def relabel(rows, scheme):
    return rows if scheme == "fine" else [(t, FINE_TO_COARSE[lab]) for t, lab in rows]


def write_vocab(folder):
    words = sorted({w for t, _ in REPORTS + DEV for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def main():
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab(tempfile.mkdtemp(prefix="textiles_")))
    combos = [dict(zip(GRID, v)) for v in itertools.product(*GRID.values())]
    results = []

    for run_id, combo in enumerate(combos):
        torch.manual_seed(run_id)
        names = SCHEMES[combo["scheme"]]
        collate = Batcher(tok, names)
        train_dl = DataLoader(relabel(REPORTS, combo["scheme"]), batch_size=4, shuffle=True, collate_fn=collate)
        dev_dl = DataLoader(relabel(DEV, combo["scheme"]), batch_size=4, collate_fn=collate)
        cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                         hidden_dropout_prob=combo["dropout"], num_labels=len(names))
        model = BertForSequenceClassification(cfg)
        opt = torch.optim.AdamW(model.parameters(), lr=combo["lr"])
        model, opt, train_dl, dev_dl = accelerator.prepare(model, opt, train_dl, dev_dl)

        model.train()
        for _ in range(1):
            for b in train_dl:
                out = model(input_ids=b["ids"], attention_mask=b["attn"], labels=b["y"])
                accelerator.backward(out.loss)
                opt.step()
                opt.zero_grad()

        tracker = ConfusionTracker(len(names))
        model.eval()
        with torch.no_grad():
            for b in dev_dl:
                guess = model(input_ids=b["ids"], attention_mask=b["attn"]).logits.argmax(-1)
                guess, gold = accelerator.gather_for_metrics((guess, b["y"]))
                tracker.update(gold, guess)

        recall = tracker.per_class_recall()
        acc = tracker.table.diag().sum().item() / tracker.table.sum().item()
        results.append({"run": run_id, **combo, "acc": acc, "macro_recall": sum(recall) / len(recall)})
        accelerator.print(f"run {run_id} {combo} acc={acc:.3f}")
        accelerator.free_memory()

    accelerator.print("\nrun  scheme  lr      drop  acc    macro_rec")
    for r in results:
        accelerator.print(f"{r['run']:<4} {r['scheme']:<7} {r['lr']:<7g} {r['dropout']:<5} "
                          f"{r['acc']:.3f}  {r['macro_recall']:.3f}")


if __name__ == "__main__":
    main()
