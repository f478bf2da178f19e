"""Flag quarry blast reports that need a follow-up vibration survey.
Fine-tuned with the HF Trainer on a handful of site reports."""
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

torch.manual_seed(13)

REPORTS = [
    ("bench 4 blast, 120 holes, ppv 4.1 mm/s at nearest dwelling", 0),
    ("misfire on hole 17, re-primed and fired, flyrock beyond exclusion zone", 1),
    ("face shot north wall, airblast 118 dB, within limits", 0),
    ("complaint from farm cottage about cracking, ppv 11.8 mm/s", 1),
    ("small secondary blast on oversize boulders", 0),
    ("ground vibration monitor offline during blast, reading not recorded, survey requested", 1),
    ("routine production blast, all readings nominal", 0),
    ("dust plume drifted over the access road, airblast 127 dB exceeded", 1),
]

VOCAB_WORDS = sorted({
    w for text, _ in REPORTS
    for w in text.replace(",", " ").replace("-", " ").replace("/", " ").replace(".", " ").split()
})


class BlastReports(Dataset):
    def __init__(self, rows, tokenizer, limit=48):
        self.rows = rows
        self.tokenizer = tokenizer
        self.limit = limit

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, follow_up = self.rows[idx]
        item = self.tokenizer(text, truncation=True, max_length=self.limit)
        item["labels"] = follow_up
        return item


def build_tokenizer():
    path = os.path.join(tempfile.mkdtemp(prefix="quarry_"), "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ",", "-", "/", "."]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + VOCAB_WORDS) + "\n")
    return BertTokenizer(path)


def main():
    tokenizer = build_tokenizer()
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
        num_labels=2,
    )
    model = BertForSequenceClassification(config)
    ds = BlastReports(REPORTS, tokenizer)
    print(f"{len(ds)} blast reports, vocab {tokenizer.vocab_size}")

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="quarry_run_"),
        per_device_train_batch_size=4,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=ds)

    probe = tokenizer("flyrock beyond exclusion zone after misfire", return_tensors="pt")
    print(f"probe tokens: {probe['input_ids'].shape[1]}")

    trainer.train()

    model.eval()
    with torch.no_grad():
        logits = model(**probe.to(model.device)).logits
    print("follow-up probability:", round(logits.softmax(-1)[0, 1].item(), 3))


if __name__ == "__main__":
    main()
