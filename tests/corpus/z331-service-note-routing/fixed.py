import os
import random
import tempfile
from dataclasses import dataclass, field

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

BASE_WORDS = ("centrifuge rotor pump valve detector lamp chiller compressor seal leak noise "
              "vibration overheating alarm error code calibration drift firmware update replaced "
              "cleaned checked customer reports unit stops after minutes during run intermittent "
              "loud high low pressure temperature sensor board fan door lock display the a and "
              "of on in with no not").split()
DOMAIN_TOKENS = ["[SERIAL]", "[ERRCODE]", "[SITE]"]
ROUTES = {"mechanical": 0, "electrical": 1, "software": 2, "consumables": 3}
ROUTE_HINTS = {
    "mechanical": ["rotor", "pump", "valve", "seal", "leak", "vibration", "noise"],
    "electrical": ["board", "fan", "lamp", "sensor", "display", "alarm"],
    "software": ["firmware", "update", "error", "code", "display"],
    "consumables": ["lamp", "seal", "cleaned", "replaced", "filter"],
}


@dataclass
class RoutingConfig:
    out_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="svcroute_"))
    max_len: int = 48
    hidden: int = 32
    n_train: int = 96
    epochs: int = 1
    batch_size: int = 8
    seed: int = 11


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(BASE_WORDS + ["filter"]))) + "\n")


def synth_note(rng, route):
    words = rng.choices(ROUTE_HINTS[route], k=3) + rng.choices(BASE_WORDS, k=rng.randint(6, 20))
    rng.shuffle(words)
    words.insert(rng.randint(0, len(words)), "[SERIAL]")
    if route in ("software", "electrical"):
        words.insert(rng.randint(0, len(words)), "[ERRCODE]")
    if rng.random() < 0.3:
        words.append("[SITE]")
    return " ".join(words)


class ServiceNotes(Dataset):
    def __init__(self, tokenizer, cfg, n):
        rng = random.Random(cfg.seed + n)
        routes = list(ROUTES)
        self.rows = []
        for _ in range(n):
            route = rng.choice(routes)
            enc = tokenizer(synth_note(rng, route), truncation=True, max_length=cfg.max_len)
            enc["labels"] = ROUTES[route]
            self.rows.append(enc)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


def build_tokenizer(cfg):
    vocab_path = os.path.join(cfg.out_dir, "vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=True)
    tokenizer.add_tokens(DOMAIN_TOKENS, special_tokens=True)
    return tokenizer, vocab_path


def build_model(cfg, vocab_path):
    with open(vocab_path) as fh:
        n_vocab = sum(1 for line in fh if line.strip())
    config = BertConfig(vocab_size=n_vocab, hidden_size=cfg.hidden, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(ROUTES))
    return BertForSequenceClassification(config)


def main():
    cfg = RoutingConfig()
    torch.manual_seed(cfg.seed)
    tokenizer, vocab_path = build_tokenizer(cfg)
    model = build_model(cfg, vocab_path)
    model.resize_token_embeddings(len(tokenizer))

    train_ds = ServiceNotes(tokenizer, cfg, cfg.n_train)
    eval_ds = ServiceNotes(tokenizer, cfg, 24)

    args = TrainingArguments(
        output_dir=cfg.out_dir,
        num_train_epochs=cfg.epochs,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        learning_rate=5e-4,
        logging_steps=5,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      data_collator=DataCollatorWithPadding(tokenizer))
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
