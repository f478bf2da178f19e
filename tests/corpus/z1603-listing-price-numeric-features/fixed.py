import os
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

LISTINGS = [
    ("bright corner apartment with balcony near park", 72, 2, 15, 310_000),
    ("renovated family house large garden quiet street", 145, 4, 40, 560_000),
    ("compact studio close to station", 31, 1, 8, 165_000),
    ("spacious loft with high ceilings and parking", 98, 2, 5, 470_000),
    ("old farmhouse needs renovation large plot", 180, 5, 90, 295_000),
    ("modern townhouse with garage and garden", 120, 3, 3, 520_000),
    ("quiet apartment near school and park", 85, 3, 25, 340_000),
    ("penthouse with roof terrace and city view", 110, 3, 2, 780_000),
]
NUMERIC_COLS = ["area_m2", "bedrooms", "age_years"]


def write_vocab(folder):
    words = sorted({w for text, *_ in LISTINGS for w in text.split()})
    path = os.path.join(folder, "listing_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class ListingDataset(torch.utils.data.Dataset):
    def __init__(self, rows):
        raw = np.array([[area, beds, age] for _, area, beds, age, _ in rows], dtype=np.float32)
        self.feat_mean = raw.mean(axis=0)
        self.feat_std = raw.std(axis=0)
        self.numeric = (raw - self.feat_mean) / self.feat_std
        self.texts = [r[0] for r in rows]
        self.log_price = [float(np.log(r[4])) for r in rows]

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        return {"text": self.texts[i], "numeric": self.numeric[i], "log_price": self.log_price[i]}


class PriceRegressor(nn.Module):
    def __init__(self, cfg, n_numeric):
        super().__init__()
        self.text_encoder = BertModel(cfg, add_pooling_layer=False)
        self.numeric_proj = nn.Sequential(nn.Linear(n_numeric, 16), nn.GELU())
        self.regressor = nn.Linear(cfg.hidden_size + 16, 1)

    def forward(self, input_ids, attention_mask, numeric):
        text_vec = self.text_encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        num_vec = self.numeric_proj(numeric)
        return self.regressor(torch.cat([text_vec, num_vec], dim=-1)).squeeze(-1)


@dataclass
class ListingCollator:
    tokenizer: BertTokenizer
    max_len: int = 20

    def __call__(self, items):
        enc = self.tokenizer(
            [it["text"] for it in items],
            padding=True,
            truncation=True,
            max_length=self.max_len,
            return_tensors="pt",
        )
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "numeric": torch.from_numpy(np.stack([it["numeric"] for it in items])),
            "log_price": torch.tensor([it["log_price"] for it in items]),
        }


class PriceTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        target = inputs.pop("log_price")
        pred = model(**inputs)
        loss = nn.functional.smooth_l1_loss(pred, target, beta=0.5)
        return (loss, pred) if return_outputs else loss


def main():
    torch.manual_seed(11)
    tmp = tempfile.mkdtemp(prefix="listings_")
    tokenizer = BertTokenizer(write_vocab(tmp))
    dataset = ListingDataset(LISTINGS)
    print("feature means:", dict(zip(NUMERIC_COLS, dataset.feat_mean.round(1))))

    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
    )
    model = PriceRegressor(cfg, n_numeric=len(NUMERIC_COLS))

    args = TrainingArguments(
        output_dir=os.path.join(tmp, "out"),
        per_device_train_batch_size=4,
        max_steps=4,
        learning_rate=1e-3,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        remove_unused_columns=False,
    )
    trainer = PriceTrainer(
        model=model,
        args=args,
        train_dataset=dataset,
        data_collator=ListingCollator(tokenizer),
    )
    out = trainer.train()
    print(f"finished {out.global_step} steps, mean loss {out.training_loss:.4f}")


if __name__ == "__main__":
    main()
