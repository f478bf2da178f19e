import os
import re
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

TICKETS = [
    {"title": "production database down for all customers", "severity": 1},
    {"title": "payment service returns 500 on checkout", "severity": 1},
    {"title": "login fails after password reset", "severity": 2},
    {"title": "data loss when saving large drafts", "severity": 1},
    {"title": "export to csv drops the last column", "severity": 2},
    {"title": "search results slow on mobile", "severity": 3},
    {"title": "typo in settings page footer", "severity": 4},
    {"title": "button colour wrong in dark mode", "severity": 4},
    {"title": "notifications delayed by several minutes", "severity": 3},
    {"title": "api token not revoked after logout", "severity": 2},
    {"title": "tooltip overlaps the menu on hover", "severity": 4},
    {"title": "report charts render blank in firefox", "severity": 3},
    {"title": "cluster crashes under peak load", "severity": 1},
    {"title": "invoice pdf shows wrong currency", "severity": 2},
    {"title": "avatar upload ignores image rotation", "severity": 3},
    {"title": "misaligned icon in sidebar", "severity": 4},
]


def words_of(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def build_tokenizer(rows, folder):
    vocab = sorted({w for r in rows for w in words_of(r["title"])})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizer(path)


scratch = tempfile.mkdtemp()
tok = build_tokenizer(TICKETS, scratch)

levels = sorted({r["severity"] for r in TICKETS})
id2label = {lvl: f"sev{lvl}" for lvl in levels}
label2id = {name: idx for idx, name in id2label.items()}

encoded = []
for r in TICKETS * 2:
    feats = tok(r["title"], truncation=True, max_length=24)
    feats["labels"] = label2id[f"sev{r['severity']}"]
    encoded.append(dict(feats))


def pad_batch(features):
    width = max(len(f["input_ids"]) for f in features)
    out = {"input_ids": [], "attention_mask": [], "token_type_ids": []}
    for f in features:
        gap = width - len(f["input_ids"])
        out["input_ids"].append(f["input_ids"] + [tok.pad_token_id] * gap)
        out["attention_mask"].append(f["attention_mask"] + [0] * gap)
        out["token_type_ids"].append(f["token_type_ids"] + [0] * gap)
    batch = {k: torch.tensor(v) for k, v in out.items()}
    batch["labels"] = torch.tensor([f["labels"] for f in features])
    return batch


config = BertConfig(
    vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
    intermediate_size=64, max_position_embeddings=64, id2label=id2label, label2id=label2id,
)
clf = BertForSequenceClassification(config)

training_args = TrainingArguments(
    output_dir=os.path.join(scratch, "run"), per_device_train_batch_size=8, num_train_epochs=2,
    learning_rate=3e-4, disable_tqdm=True, report_to=[], use_cpu=True, save_strategy="no",
)
trainer = Trainer(model=clf, args=training_args, train_dataset=encoded, data_collator=pad_batch)
result = trainer.train()
print("final loss", result.training_loss)
