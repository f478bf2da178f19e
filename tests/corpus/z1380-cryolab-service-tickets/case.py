"""Route service tickets from the cryo-EM facility to the right engineering queue.

Small BERT classifier fine-tuned with the HF Trainer; everything is driven by
environment variables so the same script runs on the cluster and on laptops.
"""
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

os.environ.setdefault("TICKET_QUEUES", "calibration,electrical,mechanical,software")
os.environ.setdefault("MAX_LEN", "32")
os.environ.setdefault("EPOCHS", "1")
os.environ.setdefault("BATCH_SIZE", "4")


def env_int(name, default):
    return int(os.environ.get(name, str(default)))


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


TICKETS = [
    ("stage drift after autoloader swap, beam shifts 40 nm per minute", "calibration"),
    ("gun valve will not open, interlock fault on column pressure", "electrical"),
    ("cassette gripper jams halfway into the cartridge", "mechanical"),
    ("EPU session crashed when exporting atlas to network share", "software"),
    ("ice contamination on grids after overnight run, cold trap warm", "contamination"),
    ("energy filter slit misaligned after service visit", "calibration"),
    ("UPS beeping and detector power supply tripped", "electrical"),
    ("frost on autoloader dock, nitrogen line frozen", "contamination"),
    ("vacuum pump making grinding noise at startup", "mechanical"),
    ("data transfer script hangs on checksum step", "software"),
    ("gain reference outdated, thon rings look off", "calibration"),
    ("cryo shield leaking, dewar empties within hours", "mechanical"),
]

VOCAB_WORDS = sorted({w for text, _ in TICKETS for w in text.lower().replace(",", " ").split()})


def build_tokenizer():
    workdir = tempfile.mkdtemp(prefix="tickets_")
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + VOCAB_WORDS) + "\n")
    return BertTokenizer(vocab_path), workdir


class TicketDataset(Dataset):
    def __init__(self, rows, tokenizer, queue_index, max_len):
        self.rows = rows
        self.enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True,
                             max_length=max_len, return_tensors="pt")
        self.targets = torch.tensor([queue_index[q] for _, q in rows], dtype=torch.long)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.targets[i]
        return item


def make_queue_index(rows):
    # stable ordering so ids are reproducible between runs
    seen = sorted({q for _, q in rows})
    return {q: i for i, q in enumerate(seen)}


def main():
    torch.manual_seed(7)
    tokenizer, workdir = build_tokenizer()
    max_len = env_int("MAX_LEN", 32)
    queues = env_list("TICKET_QUEUES")
    queue_index = make_queue_index(TICKETS)
    print(f"routing to {len(queues)} queues: {queues}")
    print(f"queue ids: {queue_index}")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(queues))
    model = BertForSequenceClassification(config)

    train_ds = TicketDataset(TICKETS, tokenizer, queue_index, max_len)
    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=env_int("EPOCHS", 1),
        per_device_train_batch_size=env_int("BATCH_SIZE", 4),
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        report_to=[],
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print(f"done, train loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
