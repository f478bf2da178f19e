"""Fine-tune a tiny BERT to triage apiary inspection notes into hive-condition buckets.

Runs fully offline: the vocab is built from the notes themselves and the model is
initialised from a config with random weights.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

SEED = 13

# shared defaults for every apiary experiment
MODEL_DEFAULTS = dict(
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=3,
)
TOKENIZER_DEFAULTS = dict(padding="max_length", truncation=True, max_length=24, return_tensors="pt")
ARGS_DEFAULTS = dict(
    per_device_train_batch_size=4,
    num_train_epochs=1,
    learning_rate=5e-4,
    logging_steps=2,
    save_strategy="no",
    use_cpu=True,
    disable_tqdm=True,
    report_to=[],
)

CONDITIONS = ["thriving", "queenless", "varroa", "swarm_prep"]

NOTES = [
    ("brood pattern solid capped honey on four frames calm bees", "thriving"),
    ("no eggs seen no young larvae bees roaring and agitated", "queenless"),
    ("mites on drone brood deformed wings seen on workers", "varroa"),
    ("queen cells along bottom bars crowded brood nest", "swarm_prep"),
    ("strong colony fresh nectar pollen coming in steadily", "thriving"),
    ("laying workers multiple eggs per cell no queen found", "queenless"),
    ("sugar roll count high mites visible on bees", "varroa"),
    ("backfilled brood nest swarm cells capped on frame six", "swarm_prep"),
    ("gentle temperament good stores queen spotted laying", "thriving"),
    ("emergency cells drawn no eggs colony queenless", "queenless"),
    ("spotty brood with mites in opened cells", "varroa"),
    ("crowded boxes bees bearding queen cups charged", "swarm_prep"),
]

ARGS_OVERRIDES = dict(output_dir=tempfile.mkdtemp(prefix="hive_run_"), seed=SEED)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def write_vocab(notes, folder):
    words = sorted({w for text, _ in notes for w in text.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path, len(specials) + len(words)


class InspectionNotes(Dataset):
    def __init__(self, rows, tokenizer, tokenizer_kwargs, condition_index):
        texts = [t for t, _ in rows]
        self.enc = tokenizer(texts, **tokenizer_kwargs)
        self.targets = torch.tensor([condition_index[c] for _, c in rows], dtype=torch.long)

    def __len__(self):
        return self.targets.shape[0]

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.targets[i]
        return item


def build_model(vocab_size, overrides=None):
    model_kwargs = {**MODEL_DEFAULTS, **(overrides or {})}
    model_kwargs["vocab_size"] = vocab_size
    config = BertConfig(**model_kwargs)
    print(f"[model] {config.num_hidden_layers} layer(s), hidden={config.hidden_size}, vocab={config.vocab_size}")
    return BertForSequenceClassification(config)


def main():
    seed_everything(SEED)
    workdir = tempfile.mkdtemp(prefix="apiary_")
    vocab_path, vocab_size = write_vocab(NOTES, workdir)
    tokenizer = BertTokenizer(vocab_path)

    condition_index = {name: i for i, name in enumerate(CONDITIONS)}
    print("conditions:", condition_index)

    tokenizer_kwargs = {**TOKENIZER_DEFAULTS}
    train_ds = InspectionNotes(NOTES, tokenizer, tokenizer_kwargs, condition_index)
    print(f"{len(train_ds)} inspection notes, seq len {train_ds.enc['input_ids'].shape[1]}")

    model = build_model(vocab_size, overrides=dict(hidden_dropout_prob=0.05))

    args_kwargs = {**ARGS_DEFAULTS, **ARGS_OVERRIDES}
    args = TrainingArguments(**args_kwargs)
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print(f"done: train loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
