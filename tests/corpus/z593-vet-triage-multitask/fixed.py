"""Multi-task triage model for veterinary intake notes.

One shared BERT encoder, two heads: which species the note is about and how urgent the
visit is. Both heads are trained with label-smoothed cross entropy.
"""
import os
import tempfile
from functools import partial

import torch
import torch.nn as nn
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments, set_seed

set_seed(7)

SPECIES = ["dog", "cat", "rabbit", "horse", "parrot", "ferret"]
URGENCY = ["routine", "soon", "emergency"]

NOTES = [
    ("dog limping on front leg since yesterday", "dog", "soon"),
    ("cat not eating for three days and vomiting", "cat", "emergency"),
    ("rabbit due for annual vaccination", "rabbit", "routine"),
    ("horse colic signs rolling and sweating", "horse", "emergency"),
    ("parrot plucking feathers for two weeks", "parrot", "soon"),
    ("ferret itchy skin and hair loss", "ferret", "routine"),
    ("dog swallowed a sock this morning", "dog", "emergency"),
    ("cat needs nail trim and weight check", "cat", "routine"),
    ("rabbit not passing droppings since last night", "rabbit", "emergency"),
    ("horse mild cough after stable move", "horse", "soon"),
    ("parrot beak overgrown needs trim", "parrot", "routine"),
    ("ferret lethargic and drinking a lot", "ferret", "soon"),
    ("dog annual check and booster", "dog", "routine"),
    ("cat straining in litter box with no urine", "cat", "emergency"),
    ("horse hoof abscess and lameness", "horse", "soon"),
    ("parrot breathing with tail bobbing", "parrot", "emergency"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class IntakeNotes(Dataset):
    def __init__(self, rows, tokenizer):
        self.enc = tokenizer([r[0] for r in rows], padding="max_length", max_length=16,
                             truncation=True, return_tensors="pt")
        self.species = torch.tensor([SPECIES.index(r[1]) for r in rows])
        self.urgency = torch.tensor([URGENCY.index(r[2]) for r in rows])

    def __len__(self):
        return len(self.species)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["species"] = self.species[i]
        item["urgency"] = self.urgency[i]
        return item


class TriageModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.species_head = nn.Linear(config.hidden_size, len(SPECIES))
        self.urgency_head = nn.Linear(config.hidden_size, len(URGENCY))

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).pooler_output
        return {"species": self.species_head(pooled), "urgency": self.urgency_head(pooled)}


def smoothed_targets(target, n_classes, eps):
    dist = torch.full((target.size(0), n_classes), eps / (n_classes - 1), device=target.device)
    dist.scatter_(1, target.unsqueeze(1), 1.0 - eps)
    return dist


def soft_ce(logits, dist):
    return -(dist * logits.log_softmax(-1)).sum(-1).mean()


class TriageTrainer(Trainer):
    smooth_species = partial(smoothed_targets, n_classes=len(SPECIES), eps=0.1)
    smooth_urgency = partial(smoothed_targets, n_classes=len(URGENCY), eps=0.1)
    urgency_weight = 2.0

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        species = inputs.pop("species")
        urgency = inputs.pop("urgency")
        out = model(**inputs)
        loss_species = soft_ce(out["species"], self.smooth_species(species))
        loss_urgency = soft_ce(out["urgency"], self.smooth_urgency(urgency))
        loss = loss_species + self.urgency_weight * loss_urgency
        return (loss, out) if return_outputs else loss


if __name__ == "__main__":
    tokenizer = BertTokenizer(write_vocab(n[0] for n in NOTES))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    train_ds = IntakeNotes(NOTES, tokenizer)
    print(f"{len(train_ds)} notes, {len(SPECIES)} species, {len(URGENCY)} urgency levels")

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=4,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        remove_unused_columns=False,
        disable_tqdm=True,
        report_to=[],
        use_cpu=True,
    )
    trainer = TriageTrainer(model=TriageModel(config), args=args, train_dataset=train_ds)
    result = trainer.train()
    print(f"final train loss {result.training_loss:.4f}")
