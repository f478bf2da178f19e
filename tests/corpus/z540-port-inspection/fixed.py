"""Fine-tune a tiny BERT to route port-state-control deficiency notes to the right
inspection desk. Uses the HF Trainer with our own padding collator (we pad to a
multiple of 8 so the kernels are happier on the real box)."""
import os
import random
import tempfile

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(7)
torch.manual_seed(7)

DESKS = ["fire_safety", "navigation", "pollution", "crew_certs"]

NOTES = [
    ("fire door on deck two does not close properly", "fire_safety"),
    ("fixed co2 system release cabinet alarm inoperative", "fire_safety"),
    ("fire hose missing at station four", "fire_safety"),
    ("emergency fire pump failed to start on test", "fire_safety"),
    ("ecdis chart corrections not up to date", "navigation"),
    ("magnetic compass deviation card expired", "navigation"),
    ("voyage plan does not cover the pilotage area", "navigation"),
    ("ais not transmitting correct draught", "navigation"),
    ("oil record book entries incomplete for sludge transfer", "pollution"),
    ("oily water separator alarm bypassed", "pollution"),
    ("garbage management plan not on board", "pollution"),
    ("ballast water record book missing entries", "pollution"),
    ("chief engineer certificate endorsement expired", "crew_certs"),
    ("rest hours records show violations for two deck ratings", "crew_certs"),
    ("cook has no food handling certificate", "crew_certs"),
    ("minimum safe manning document not on board", "crew_certs"),
]


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class DeficiencyCollator:
    """Pads a list of encoded notes into a dict of tensors the model can take."""

    def __init__(self, pad_id, multiple=8):
        self.pad_id = pad_id
        self.multiple = multiple

    def _round_up(self, n):
        return ((n + self.multiple - 1) // self.multiple) * self.multiple

    def __call__(self, features):
        longest = max(len(f["input_ids"]) for f in features)
        target = self._round_up(longest)
        ids, attn, desk = [], [], []
        for f in features:
            toks = f["input_ids"]
            ids.append(toks + [self.pad_id] * (target - len(toks)))
            attn.append([1] * len(toks) + [0] * (target - len(toks)))
            desk.append(f["label"])
        return {
            "input_ids": torch.tensor(ids, dtype=torch.long),
            "attention_mask": torch.tensor(attn, dtype=torch.long),
            "labels": torch.tensor(desk, dtype=torch.long),
        }


def encode_notes(tokenizer, rows):
    desk_ids = {d: i for i, d in enumerate(DESKS)}
    out = []
    for text, desk in rows:
        enc = tokenizer(text, truncation=True, max_length=48)
        out.append({"input_ids": enc["input_ids"], "label": desk_ids[desk]})
    return out


def main():
    workdir = tempfile.mkdtemp(prefix="psc_")
    vocab_path = write_vocab([t for t, _ in NOTES], workdir)
    tokenizer = BertTokenizer(vocab_path)
    print(f"vocab size: {tokenizer.vocab_size}")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(DESKS))
    model = BertForSequenceClassification(config)

    rows = NOTES[:]
    random.shuffle(rows)
    train_set = encode_notes(tokenizer, rows)
    print(f"{len(train_set)} deficiency notes, lengths "
          f"{sorted(len(r['input_ids']) for r in train_set)}")

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=1,
        per_device_train_batch_size=4,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        data_collator=DeficiencyCollator(tokenizer.pad_token_id),
    )
    result = trainer.train()
    print(f"done, train loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
