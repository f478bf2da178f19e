import os
import tempfile
from dataclasses import dataclass
from typing import Any, Dict, List

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    PreTrainedTokenizerBase,
    Trainer,
    TrainingArguments,
)

PRIORITY_LEVELS = ["low", "medium", "high", "critical"]

TICKETS = [
    ("printer on third floor is out of toner", "low"),
    ("cannot connect to vpn from home", "medium"),
    ("email server down for whole office", "critical"),
    ("need access to shared drive for new hire", "low"),
    ("laptop screen flickering after update", "medium"),
    ("payroll system shows error on login", "high"),
    ("database backup job failed last night", "high"),
    ("website returns server error for all customers", "critical"),
    ("password reset link not arriving", "medium"),
    ("request new keyboard and mouse", "low"),
]


def build_vocab_file(folder: str) -> str:
    words = sorted({w for text, _ in TICKETS for w in text.split()})
    path = os.path.join(folder, "helpdesk_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class TicketDataset(Dataset):
    def __init__(self, tickets):
        self.tickets = [
            {"ticket_text": text, "priority": PRIORITY_LEVELS.index(level)} for text, level in tickets
        ]

    def __len__(self):
        return len(self.tickets)

    def __getitem__(self, i):
        return self.tickets[i]


@dataclass
class TicketCollator:
    tokenizer: PreTrainedTokenizerBase
    max_length: int = 32

    def __call__(self, rows: List[Dict[str, Any]]) -> Dict[str, torch.Tensor]:
        texts = [row["ticket_text"] for row in rows]
        enc = self.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        enc["priority"] = torch.tensor([row["priority"] for row in rows], dtype=torch.long)
        return dict(enc)


class OrdinalPriorityTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        level = inputs.pop("priority")
        out = model(**inputs)
        ce = torch.nn.functional.cross_entropy(out.logits, level)
        probs = out.logits.softmax(dim=-1)
        ranks = torch.arange(probs.size(-1), device=probs.device, dtype=probs.dtype)
        expected_rank = (probs * ranks).sum(dim=-1)
        ordinal_penalty = (expected_rank - level.to(probs.dtype)).abs().mean()
        loss = ce + 0.1 * ordinal_penalty
        return (loss, out) if return_outputs else loss


def main():
    scratch = tempfile.mkdtemp(prefix="helpdesk_")
    tokenizer = BertTokenizer(build_vocab_file(scratch))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(PRIORITY_LEVELS),
    )
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=os.path.join(scratch, "triage"),
        per_device_train_batch_size=5,
        max_steps=4,
        learning_rate=5e-4,
        logging_steps=2,
        use_cpu=True,
        report_to=[],
        remove_unused_columns=False,
        save_strategy="no",
    )
    trainer = OrdinalPriorityTrainer(
        model=model,
        args=args,
        train_dataset=TicketDataset(TICKETS),
        data_collator=TicketCollator(tokenizer=tokenizer),
    )
    trainer.train()
    print("triage model trained")


if __name__ == "__main__":
    main()
