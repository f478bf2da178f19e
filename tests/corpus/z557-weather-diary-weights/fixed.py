"""Fine-tune a small BERT on transcribed 1870s weather-diary entries.

Volunteers on the transcription site tagged every entry; we weight each
entry's loss by how many volunteers agreed with the majority tag so that
contested entries pull less on the model.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

torch.manual_seed(11)

TAGS = ["fair", "rain", "storm"]
# (entry text, majority tag, fraction of volunteers agreeing)
ENTRIES = [
    ("clear sky light wind from west", "fair", 1.0),
    ("heavy rain all afternoon roads flooded", "rain", 0.9),
    ("gale in the night two trees down", "storm", 0.8),
    ("mild and bright hay turned", "fair", 0.7),
    ("showers at intervals ground soft", "rain", 0.6),
    ("thunder and hail barn roof damaged", "storm", 1.0),
    ("fine day cattle out to pasture", "fair", 0.9),
    ("steady drizzle from dawn", "rain", 0.5),
    ("violent wind boats kept ashore", "storm", 0.7),
    ("sunny warm little wind", "fair", 0.8),
    ("rain with fog low cloud", "rain", 0.4),
    ("storm from the north sea high tide", "storm", 0.9),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class DiaryDataset(Dataset):
    def __init__(self, rows, tokenizer):
        enc = tokenizer([r[0] for r in rows], padding=True, return_tensors="pt")
        self.enc = enc
        self.tag_ids = torch.tensor([TAGS.index(r[1]) for r in rows])

    def __len__(self):
        return len(self.tag_ids)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.tag_ids[i]
        item["row"] = torch.tensor(i)
        return item


class AgreementWeightedTrainer(Trainer):
    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = torch.tensor(agreement, dtype=torch.float)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("labels")
        rows = inputs.pop("row")
        outputs = model(**inputs)
        per_entry = F.cross_entropy(outputs.logits, gold, reduction="none")
        weights = self.agreement[rows.cpu()].to(per_entry.device)
        loss = (per_entry * weights).sum() / weights.sum()
        return (loss, outputs) if return_outputs else loss


def main():
    vocab_path = write_vocab([e[0] for e in ENTRIES])
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(TAGS))
    model = BertForSequenceClassification(config)
    train_set = DiaryDataset(ENTRIES, tokenizer)
    print(f"{len(train_set)} diary entries, tags={TAGS}")

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=4,
        num_train_epochs=3,
        learning_rate=5e-4,
        logging_steps=3,
        save_strategy="no",
        disable_tqdm=True,
        report_to=[],
        remove_unused_columns=False,
        use_cpu=True,
        seed=11,
    )
    trainer = AgreementWeightedTrainer(model=model, args=args, train_dataset=train_set,
                                       agreement=[e[2] for e in ENTRIES])
    result = trainer.train()
    print(f"finished: {result.global_step} steps, loss {result.training_loss:.4f}")

    model.eval()
    probe = tokenizer(["hail and thunder after noon"], return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    print("probe ->", TAGS[pred])


if __name__ == "__main__":
    main()
