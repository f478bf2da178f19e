import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

random.seed(7)
torch.manual_seed(7)

LEGAL_TERMS = [
    "party", "agreement", "shall", "indemnify", "liability", "term", "notice",
    "breach", "termination", "warranty", "licensee", "licensor", "confidential",
    "information", "damages", "limited", "to", "the", "of", "and", "any", "not",
    "exceed", "fees", "paid", "within", "days", "written", "consent", "assign",
    "governing", "law", "court", "jurisdiction", "waiver", "remedy", "exclusive",
]
RISK_LEVELS = ["low", "medium", "high"]

workdir = tempfile.mkdtemp(prefix="clauses_")
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + LEGAL_TERMS) + "\n")

tokenizer = BertTokenizer(vocab_path)


def make_clause(n_words):
    return " ".join(random.choice(LEGAL_TERMS) for _ in range(n_words))


clauses = []
for k in range(22):
    clauses.append({"clause": make_clause(random.randint(8, 30)), "risk": k % len(RISK_LEVELS)})
# master agreements are stored as a single concatenated clause in the export
for k in range(2):
    body = " ".join(make_clause(random.randint(20, 30)) for _ in range(3))
    clauses.append({"clause": body, "risk": 2})
random.shuffle(clauses)

longest_clause = max(len(tokenizer.tokenize(c["clause"])) for c in clauses)
pad_to = longest_clause + 2  # [CLS] ... [SEP]
print(f"{len(clauses)} clauses, static padding length {pad_to}")


class ClauseDataset(torch.utils.data.Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        return {"clause": row["clause"], "risk": row["risk"]}


@dataclass
class StaticClauseCollator:
    tokenizer: BertTokenizer
    seq_len: int

    def __call__(self, features):
        enc = self.tokenizer(
            [f["clause"] for f in features],
            padding="max_length",
            truncation=True,
            max_length=self.seq_len,
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor([f["risk"] for f in features], dtype=torch.long)
        return dict(enc)


class RiskWeightedTrainer(Trainer):
    def __init__(self, *args, risk_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.risk_weights = risk_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        risk = inputs.pop("labels")
        outputs = model(**inputs)
        weights = self.risk_weights.to(outputs.logits.device)
        loss = F.cross_entropy(outputs.logits, risk, weight=weights)
        return (loss, outputs) if return_outputs else loss


config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(RISK_LEVELS),
)
model = BertForSequenceClassification(config)

args = TrainingArguments(
    output_dir=os.path.join(workdir, "out"),
    per_device_train_batch_size=4,
    max_steps=3,
    learning_rate=5e-4,
    logging_steps=2,
    use_cpu=True,
    report_to=[],
    remove_unused_columns=False,
    save_strategy="no",
)

trainer = RiskWeightedTrainer(
    model=model,
    args=args,
    train_dataset=ClauseDataset(clauses),
    data_collator=StaticClauseCollator(tokenizer, pad_to),
    risk_weights=torch.tensor([1.0, 1.5, 3.0]),
)
trainer.train()
print("done")
