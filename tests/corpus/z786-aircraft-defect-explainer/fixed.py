"""Fine-tune a small BERT on aircraft tech-log defect entries (ATA system group) and show
which words the last layer's [CLS] attention focused on, most confident predictions first."""
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments, set_seed)

set_seed(3)

GROUPS = ["electrical", "hydraulic", "cabin"]

TECH_LOG = [
    ("generator 2 caution light on during climb", 0),
    ("battery voltage low on ground power", 0),
    ("left landing light inop replaced bulb", 0),
    ("bus tie fault message after engine start", 0),
    ("hydraulic quantity low on system b", 1),
    ("leak at left main gear brake line", 1),
    ("green system pressure fluctuating in cruise", 1),
    ("nose wheel steering slow to respond", 1),
    ("seat 14c recline inop", 2),
    ("lavatory smoke detector chirping", 2),
    ("galley oven door latch broken", 2),
    ("reading light row 22 stays on", 2),
]

NEW_ENTRIES = [
    "brake pressure drops slowly after landing",
    "cabin reading light inop",
    "generator fault light on after start with battery voltage low",
    "leak at gear",
]

STOPWORDS = {"on", "at", "after", "during", "in", "to", "with", "the", "a", "b", "2", "row"}


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class TechLogDataset(Dataset):
    def __init__(self, rows, tok):
        self.enc = [tok(text) for text, _ in rows]
        self.labels = [lab for _, lab in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: v for k, v in self.enc[i].items()}
        item["labels"] = self.labels[i]
        return item


def cls_attention_row(attn, pad_mask, b):
    """Head-averaged attention from [CLS] to the real (unpadded) tokens of example b."""
    row = attn[b].mean(dim=0)[0]
    return row[pad_mask[b].bool()]


def explain(model, tok, notes, layer=-1, top_k=3):
    model.eval()
    enc = tok(notes, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model(**enc, output_attentions=True)
    conf, pred = out.logits.softmax(-1).max(-1)
    attn = out.attentions[layer]
    order = conf.argsort(descending=True).tolist()

    explanations = []
    for rank, idx in enumerate(order):
        real = enc["attention_mask"][idx].bool()
        pieces = tok.convert_ids_to_tokens(enc["input_ids"][idx][real].tolist())
        content = torch.tensor([p not in STOPWORDS and p not in tok.all_special_tokens for p in pieces],
                               dtype=torch.float)
        weights = cls_attention_row(attn, enc["attention_mask"], idx)
        scores = weights * content
        top = scores.topk(min(top_k, int(content.sum().item()))).indices.tolist()
        explanations.append((notes[idx], GROUPS[pred[idx]], conf[idx].item(), [pieces[j] for j in top]))
    return explanations


def main():
    tok = BertTokenizer(write_vocab([t for t, _ in TECH_LOG] + NEW_ENTRIES))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(GROUPS))
    cfg._attn_implementation = "eager"
    model = BertForSequenceClassification(cfg)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                             num_train_epochs=4, learning_rate=5e-4, logging_steps=6,
                             save_strategy="no", report_to=[], use_cpu=True, disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=TechLogDataset(TECH_LOG, tok),
                      data_collator=DataCollatorWithPadding(tok))
    result = trainer.train()
    print(f"training done, loss {result.training_loss:.4f}")

    for note, group, p, words in explain(trainer.model, tok, NEW_ENTRIES):
        print(f"[{group:>10} {p:.2f}] {note!r}: attended {words}")


if __name__ == "__main__":
    main()
