# Fine-tune a small BERT on apiary inspection notes -> colony status.
# Statuses are very imbalanced (most hives are fine), so we use the
# logit-adjusted loss (Menon et al.) instead of plain cross-entropy.
import math
import os
import re
import tempfile
from collections import Counter

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(3)

STATUSES = ["queenright", "queenless", "swarm_prep", "disease_suspected"]

# (note, apiary id, status id)
INSPECTIONS = [
    ("eggs and young larvae seen brood pattern solid", 0, 0),
    ("capped brood good stores calm colony", 1, 0),
    ("no eggs no larvae bees roaring when opened", 2, 1),
    ("queen cells along bottom bars colony crowded", 3, 2),
    ("sunken perforated cappings foul smell in brood", 4, 3),
    ("fresh eggs queen spotted on frame four", 5, 0),
    ("laying workers multiple eggs per cell", 0, 1),
    ("charged queen cells bees bearding on entrance", 1, 2),
    ("steady brood good pollen coming in", 2, 0),
    ("spotty brood chalk mummies on landing board", 3, 3),
    ("brood in all stages colony strong", 4, 0),
    ("new queen mated eggs present", 5, 0),
    ("no brood at all emergency cells torn down", 1, 1),
    ("supersedure cell plus crowded brood nest", 4, 2),
    ("eggs present calm bees honey flow on", 3, 0),
    ("deformed wings on emerging bees high mite drop", 5, 3),
]

LOGIT_TAU = 1.0


def words(text):
    return re.findall(r"\w+", text.lower())


def write_vocab(notes):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += sorted({w for n in notes for w in words(n)})
    path = os.path.join(tempfile.mkdtemp(prefix="apiary_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def column(rows, i):
    return [r[i] for r in rows]


def class_log_prior(rows):
    counts = Counter(column(rows, 1))
    total = sum(counts.values())
    freqs = [counts.get(c, 0) / total for c in range(max(counts) + 1)]
    print("class frequencies:", [round(f, 3) for f in freqs])
    return torch.tensor([math.log(max(f, 1e-6)) for f in freqs])


class InspectionNotes(Dataset):
    def __init__(self, rows, tokenizer):
        self.enc = [tokenizer(note, truncation=True, max_length=32) for note, _, _ in rows]
        self.status = column(rows, 2)

    def __len__(self):
        return len(self.enc)

    def __getitem__(self, i):
        item = dict(self.enc[i])
        item["labels"] = self.status[i]
        return item


class LogitAdjustedTrainer(Trainer):
    def __init__(self, *args, log_prior=None, tau=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_prior = log_prior
        self.tau = tau

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        targets = inputs.pop("labels")
        outputs = model(**inputs)
        adjusted = outputs.logits + self.tau * self.log_prior.to(outputs.logits.device)
        loss = F.cross_entropy(adjusted, targets)
        return (loss, outputs) if return_outputs else loss


def main():
    tokenizer = BertTokenizer(write_vocab(column(INSPECTIONS, 0)))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(STATUSES))
    model = BertForSequenceClassification(config)

    log_prior = class_log_prior(INSPECTIONS)
    train_set = InspectionNotes(INSPECTIONS, tokenizer)
    print(f"{len(train_set)} inspections, {config.num_labels} statuses")

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="apiary_run_"),
        num_train_epochs=2,
        per_device_train_batch_size=4,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = LogitAdjustedTrainer(
        model=model,
        args=args,
        train_dataset=train_set,
        data_collator=DataCollatorWithPadding(tokenizer),
        log_prior=log_prior,
        tau=LOGIT_TAU,
    )
    result = trainer.train()
    print("final train loss", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
