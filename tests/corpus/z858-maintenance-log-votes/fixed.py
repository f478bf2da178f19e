"""Fine-tune a tiny BERT on aircraft maintenance log entries with soft labels.

Round A (contractor batch, gold labels) is kept for evaluation; round B was
labelled by four line mechanics and we train on their vote distribution.
Classes: 0 routine, 1 deferrable defect, 2 aircraft on ground.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(21)
NUM_CLASSES = 3
MECHANICS = ["okafor", "lindqvist", "ruiz", "tanaka"]

ROUND_A = [
    {"item_id": 0, "text": "cabin reading light inop seat 14c", "gold": 1},
    {"item_id": 1, "text": "engine oil quantity low serviced ops check good", "gold": 0},
    {"item_id": 2, "text": "hydraulic leak at left main gear actuator", "gold": 2},
    {"item_id": 3, "text": "lav faucet slow flow cleaned aerator", "gold": 0},
    {"item_id": 4, "text": "bird strike radome dent inspection required", "gold": 2},
    {"item_id": 5, "text": "galley oven inop placarded", "gold": 1},
]
ROUND_B = [
    {"item_id": 6, "text": "tire worn to limits at main gear replaced", "gold": None},
    {"item_id": 7, "text": "cabin reading light inop placarded", "gold": None},
    {"item_id": 8, "text": "fuel leak at left wing panel aircraft on ground", "gold": None},
    {"item_id": 9, "text": "engine oil serviced ops check good", "gold": None},
    {"item_id": 10, "text": "crack in windshield outer ply inspection required", "gold": None},
    {"item_id": 11, "text": "seat recline inop placarded", "gold": None},
    {"item_id": 12, "text": "hydraulic quantity low leak found at actuator", "gold": None},
    {"item_id": 13, "text": "lav light inop replaced bulb ops check good", "gold": None},
]
# export from the labelling tool: one row per mechanic, one column per round-B entry, -1 = skipped
ROUND_B_VOTES = torch.tensor([
    [0, 1, 2, 0, 2, 1, 2, 0],
    [1, 1, 2, 0, 1, 1, 2, 0],
    [0, 1, 2, -1, 2, 1, 2, 0],
    [0, 0, 2, 0, 2, -1, 1, 0],
])


def write_vocab():
    words = sorted({w for e in ROUND_A + ROUND_B for w in e["text"].split()})
    path = os.path.join(tempfile.mkdtemp(prefix="mxlog_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class LogbookDataset(Dataset):
    def __init__(self, entries, tokenizer):
        self.entries = entries
        self.enc = tokenizer([e["text"] for e in entries], truncation=True, max_length=32)

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, i):
        return {"input_ids": self.enc["input_ids"][i], "attention_mask": self.enc["attention_mask"][i],
                "item_id": self.entries[i]["item_id"]}


@dataclass
class SoftVoteCollator:
    tokenizer: BertTokenizer
    votes: torch.Tensor
    column_of: dict
    num_classes: int = NUM_CLASSES
    smoothing: float = 0.5

    def __call__(self, features):
        item_ids = torch.tensor([f.pop("item_id") for f in features])
        batch = self.tokenizer.pad(features, return_tensors="pt")
        cols = torch.tensor([self.column_of[int(i)] for i in item_ids])
        cast = self.votes[:, cols]                                   # (mechanics, batch)
        counts = F.one_hot(cast + 1, self.num_classes + 1)[..., 1:].sum(0).float()
        counts = counts + self.smoothing
        batch["soft_targets"] = counts / counts.sum(-1, keepdim=True)
        return batch


class SoftLabelTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        soft = inputs.pop("soft_targets")
        outputs = model(**inputs)
        loss = -(soft * F.log_softmax(outputs.logits, dim=-1)).sum(-1).mean()
        return (loss, outputs) if return_outputs else loss


def main():
    tokenizer = BertTokenizer(write_vocab())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=NUM_CLASSES)
    model = BertForSequenceClassification(config)
    print(f"training on {len(ROUND_B)} entries x {len(MECHANICS)} mechanics, votes {tuple(ROUND_B_VOTES.shape)}")

    args = TrainingArguments(output_dir=tempfile.mkdtemp(prefix="mxlog_run_"), num_train_epochs=3,
                             per_device_train_batch_size=4, learning_rate=5e-4, logging_steps=2,
                             save_strategy="no", report_to="none", use_cpu=True,
                             remove_unused_columns=False, disable_tqdm=True, seed=21)
    column_of = {e["item_id"]: j for j, e in enumerate(ROUND_B)}
    trainer = SoftLabelTrainer(model=model, args=args,
                               train_dataset=LogbookDataset(ROUND_B, tokenizer),
                               data_collator=SoftVoteCollator(tokenizer, ROUND_B_VOTES, column_of))
    trainer.train()

    model.eval()
    enc = tokenizer([e["text"] for e in ROUND_A], padding=True, return_tensors="pt")
    with torch.no_grad():
        pred = model(**enc).logits.argmax(-1)
    gold = torch.tensor([e["gold"] for e in ROUND_A])
    print(f"round A accuracy: {(pred == gold).float().mean().item():.2f}")


if __name__ == "__main__":
    main()
