# Conservation lab triage: route condition-survey notes on manuscripts to a damage type.
# Tiny BERT trained with Accelerate; evaluation prints a report and flags weak classes.
import os
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer, LabelEncoder
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(5)

SURVEY = {
    "foxing": ["brown spots scattered over first gathering", "rust coloured specks on margins",
               "foxing across title leaf and endpapers", "small brown stains on rag paper leaves",
               "spotting heavy on plates and facing text", "foxed margins throughout second volume"],
    "mould": ["white fuzzy growth along gutter", "musty smell and grey bloom on boards",
              "active mould on lower edge of text block", "purple stains and soft fibres from mould",
              "mould spots on vellum cover", "dormant mould bloom on pastedown"],
    "tear": ["long tear from fore edge into text", "corner torn away on leaf twelve",
             "edge tears on folded map", "tear across plate with loss of image",
             "spine leaf torn at fold", "multiple small tears along head"],
    "water": ["tide lines across lower half of leaves", "cockling from old water damage",
              "leaves stuck together after flood", "water stain on boards and text block",
              "tide marks on margins of last gathering", "swollen boards after leak in store"],
    "insect": ["worm holes through boards and first leaves", "silverfish grazing on paste down",
               "tunnels from beetle larvae in text block", "frass found in gutter with holes"],
    "ink_corrosion": ["iron gall ink eating through the leaf", "haloes and cracks around ink strokes"],
}

RECALL_FLOOR = 0.2


@dataclass
class RunConfig:
    max_len: int = 16
    batch_size: int = 8
    epochs: int = 3
    lr: float = 1e-3


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def to_tensors(tok, texts, y, max_len):
    enc = tok(texts, padding="max_length", truncation=True, max_length=max_len, return_tensors="pt")
    return TensorDataset(enc["input_ids"], enc["attention_mask"], torch.as_tensor(y, dtype=torch.long))


def train(accelerator, model, loader, cfg):
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model, opt, loader = accelerator.prepare(model, opt, loader)
    for epoch in range(cfg.epochs):
        model.train()
        for ids, att, tgt in loader:
            out = model(input_ids=ids, attention_mask=att, labels=tgt)
            accelerator.backward(out.loss)
            opt.step()
            opt.zero_grad()
        accelerator.print(f"epoch {epoch}: last batch loss {out.loss.item():.4f}")
    return model


@torch.no_grad()
def predict(accelerator, model, loader):
    model.eval()
    loader = accelerator.prepare(loader)
    preds = [model(input_ids=ids, attention_mask=att).logits.argmax(-1) for ids, att, _ in loader]
    return torch.cat(preds).cpu().numpy()


def main():
    cfg = RunConfig()
    accelerator = Accelerator(cpu=True)
    texts = [t for notes in SURVEY.values() for t in notes]
    damage = [k for k, notes in SURVEY.items() for _ in notes]

    le = LabelEncoder().fit(damage)
    y = le.transform(damage)
    tr_x, te_x, tr_y, te_y = train_test_split(texts, y, test_size=0.25, stratify=y, random_state=5)
    accelerator.print(f"{len(tr_x)} train / {len(te_x)} test notes, {len(le.classes_)} damage types")

    tok = BertTokenizer(write_vocab(texts))
    bert_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                          num_labels=len(le.classes_))
    model = BertForSequenceClassification(bert_cfg)
    train_dl = DataLoader(to_tensors(tok, tr_x, tr_y, cfg.max_len), batch_size=cfg.batch_size, shuffle=True)
    test_dl = DataLoader(to_tensors(tok, te_x, te_y, cfg.max_len), batch_size=cfg.batch_size)

    model = train(accelerator, model, train_dl, cfg)
    preds = predict(accelerator, model, test_dl)

    labels = list(range(len(le.classes_)))
    print(classification_report(te_y, preds, labels=labels, target_names=list(le.classes_),
                                zero_division=0))

    # per-class recall as a tensor so it can go into the QA dashboard
    lb = LabelBinarizer().fit(labels)
    gold_1h = torch.from_numpy(lb.transform(te_y)).float()
    pred_1h = torch.from_numpy(lb.transform(preds)).float()
    recall = (gold_1h * pred_1h).sum(0) / gold_1h.sum(0).clamp(min=1)

    recall_by_label = recall[torch.as_tensor(labels)]
    weak = [le.classes_[i] for i in labels if recall_by_label[i] < RECALL_FLOOR]
    print("classes under recall floor:", ', '.join(weak) or "none")


if __name__ == "__main__":
    main()
