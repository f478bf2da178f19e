"""Classify field-scout notes into plant phenology stages with a tiny BERT."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
random.seed(0)

STAGES = ["seedling", "vegetative", "flowering", "fruiting", "senescent"]
stage_to_id = {s: i for i, s in enumerate(STAGES)}

SCOUT_NOTES = [
    {"note": "broad leaves many nodes no buds yet", "stage": "vegetative"},
    {"note": "yellow leaves dry stems seed heads shattering", "stage": "senescent"},
    {"note": "open petals bees visiting upper nodes", "stage": "flowering"},
    {"note": "green pods swelling on lower nodes", "stage": "fruiting"},
    {"note": "two true leaves small stem", "stage": "seedling"},
    {"note": "cotyledons open small stem wet soil", "stage": "seedling"},
    {"note": "pods filled and hardening", "stage": "fruiting"},
    {"note": "leaves dropping stems brown", "stage": "senescent"},
]

SETTINGS = {
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "num_labels": len(STAGES),
    "batch_size": 4,
    "lr": 5e-4,
}


def write_vocab(notes):
    words = sorted({w for row in notes for w in row["note"].split()})
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(special + words) + "\n")
    return path


def build_model(vocab_size, settings):
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=settings["hidden_size"],
        num_hidden_layers=settings["num_hidden_layers"],
        num_attention_heads=settings["num_attention_heads"],
        intermediate_size=settings["intermediate_size"],
        max_position_embeddings=64,
        num_labels=settings["num_labels"],
    )
    return BertForSequenceClassification(config)


def to_examples(notes):
    examples = []
    for row in notes:
        examples.append({"text": row["note"].lower(), "labels": stage_to_id[row["stage"]]})
    return examples


def make_collate(tokenizer):
    def collate(examples):
        batch = tokenizer([ex["text"] for ex in examples], padding=True, return_tensors="pt")
        batch["labels"] = torch.tensor([ex["labels"] for ex in examples])
        return batch
    return collate


def main():
    tokenizer = BertTokenizer(write_vocab(SCOUT_NOTES))
    model = build_model(tokenizer.vocab_size, SETTINGS)
    optimizer = torch.optim.AdamW(model.parameters(), lr=SETTINGS["lr"])
    examples = to_examples(SCOUT_NOTES)
    loader = DataLoader(examples, batch_size=SETTINGS["batch_size"],
                        shuffle=False, collate_fn=make_collate(tokenizer))
    print(f"{len(SCOUT_NOTES)} scout notes, {len(STAGES)} stages")

    model.train()
    for epoch in range(3):
        total = 0.0
        for step, batch in enumerate(loader):
            print(f"epoch {epoch} step {step} labels {batch['labels'].tolist()}")
            out = model(**batch)
            out.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch} mean loss {total / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        probe = tokenizer(["open petals bees visiting"], return_tensors="pt")
        pred = model(**probe).logits.argmax(-1).item()
    print("probe prediction:", STAGES[pred])


if __name__ == "__main__":
    main()
