"""Fine-tune a tiny BERT to route veterinary triage notes to the right clinic desk.

Everything that feeds the model is versioned as JSON in a run folder so a run can be
reproduced from its artefacts alone (vocab, label maps, encoded splits).
"""
import json
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(7)
RUN_DIR = tempfile.mkdtemp(prefix="vet_triage_")

MANIFEST = {
    "vocab": os.path.join(RUN_DIR, "vocab.txt"),
    "label_map": os.path.join(RUN_DIR, "label_map_r1.json"),
    "label_map_r2": os.path.join(RUN_DIR, "label_map_r2.json"),
    "encoded_train": os.path.join(RUN_DIR, "train_encoded.json"),
}


def save_json(obj, path):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, indent=2, sort_keys=True)
    print(f"[artefact] wrote {os.path.basename(path)} ({os.path.getsize(path)} bytes)")


def load_json(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


# round 1 annotations came from the small-animal clinic, round 2 added the equine desk
ROUND1 = [
    ("dog vomiting twice since morning, lethargic", "gastro"),
    ("cat limping on left hind leg after a fall", "ortho"),
    ("puppy scratching ears constantly, dark discharge", "derm"),
    ("rabbit not eating, no droppings since yesterday", "gastro"),
    ("cat hair loss patches around neck", "derm"),
    ("dog swollen knee, will not bear weight", "ortho"),
    ("kitten sneezing and watery eyes", "resp"),
    ("dog coughing at night, short of breath", "resp"),
]
ROUND2 = [
    ("horse pawing at ground and rolling, colic signs", "equine"),
    ("mare lame on right fore after trailer ride", "equine"),
    ("dog diarrhea with blood, three days", "gastro"),
    ("cat wheezing after playing", "resp"),
]

WORDS = sorted({w for text, _ in ROUND1 + ROUND2 for w in text.replace(",", " ").split()})
with open(MANIFEST["vocab"], "w", encoding="utf-8") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")

save_json({name: i for i, name in enumerate(sorted({l for _, l in ROUND1}))}, MANIFEST["label_map"])
save_json({name: i for i, name in enumerate(sorted({l for _, l in ROUND1 + ROUND2}))},
          MANIFEST["label_map_r2"])


def encode_split(rows, tokenizer, label_map, max_len=20):
    enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True, max_length=max_len)
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "labels": [label_map[l] for _, l in rows],
    }


class JsonSplit(Dataset):
    def __init__(self, path):
        self.blob = load_json(path)

    def __len__(self):
        return len(self.blob["labels"])

    def __getitem__(self, i):
        return {k: torch.tensor(v[i]) for k, v in self.blob.items()}


tokenizer = BertTokenizer(MANIFEST["vocab"])
save_json(encode_split(ROUND1 + ROUND2, tokenizer, load_json(MANIFEST["label_map_r2"])),
          MANIFEST["encoded_train"])
train_ds = JsonSplit(MANIFEST["encoded_train"])
print(f"train examples: {len(train_ds)}")

desk_ids = load_json(MANIFEST["label_map_r2"])
config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(desk_ids),
    id2label={v: k for k, v in desk_ids.items()},
    label2id=desk_ids,
)
model = BertForSequenceClassification(config)
print(f"model heads: {config.num_labels} desks -> {sorted(desk_ids)}")

args = TrainingArguments(
    output_dir=os.path.join(RUN_DIR, "ckpt"),
    num_train_epochs=1,
    per_device_train_batch_size=4,
    learning_rate=5e-4,
    logging_steps=1,
    save_strategy="no",
    use_cpu=True,
    disable_tqdm=True,
    report_to=[],
)
trainer = Trainer(model=model, args=args, train_dataset=train_ds)
result = trainer.train()
print(f"done, train loss {result.training_loss:.4f}")
save_json({"train_loss": result.training_loss, "manifest": MANIFEST},
          os.path.join(RUN_DIR, "run_summary.json"))
