"""Tag aircraft maintenance log entries: actions, parts and locations on the airframe."""
import os
import random
import tempfile
from types import SimpleNamespace

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForTokenClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
    default_data_collator,
)

settings = SimpleNamespace(
    max_len=32,          # wordpiece tokens per entry fed to the encoder
    max_words=24,        # longest log entry we accept, in words
    n_entries=96,
    batch_size=8,
    seed=21,
)

TAGS = ["O", "B-ACT", "B-PART", "I-PART", "B-LOC", "I-LOC"]
tag2id = {t: i for i, t in enumerate(TAGS)}

ACTIONS = ["replaced", "inspected", "torqued", "lubricated", "resealed"]
PARTS = [["hydraulic", "pump"], ["brake", "actuator"], ["fuel", "quantity", "probe"], ["pitot", "tube"], ["bleed", "valve"]]
LOCS = [["left", "main", "gear"], ["nose", "gear"], ["right", "wing"], ["engine", "two"], ["aft", "cargo", "bay"]]
TAILS = ["per", "amm", "task", "ok", "ops", "check", "good", "no", "leaks", "found"]

# terms our shop vocab keeps as wordpieces
PIECES = ["actuat", "##or", "hydraul", "##ic", "lubricat", "##ed"]


def synth_entry(rng):
    part, loc = rng.choice(PARTS), rng.choice(LOCS)
    words = [rng.choice(ACTIONS)] + part + ["on"] + loc + rng.sample(TAILS, rng.randint(1, 4))
    tags = ["B-ACT"] + ["B-PART"] + ["I-PART"] * (len(part) - 1) + ["O"]
    tags += ["B-LOC"] + ["I-LOC"] * (len(loc) - 1)
    tags += ["O"] * (len(words) - len(tags))
    return words, tags


def build_tokenizer(folder):
    words = {w for group in PARTS + LOCS for w in group} | set(ACTIONS) | set(TAILS) | {"on"}
    words -= {"actuator", "hydraulic", "lubricated"}
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PIECES + sorted(words)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class LogbookNER(Dataset):
    def __init__(self, entries, tokenizer):
        self.features = []
        for words, tags in entries:
            enc = tokenizer(
                words,
                is_split_into_words=True,
                truncation=True,
                padding="max_length",
                max_length=settings.max_len,
            )
            labels = [-100 if w is None else tag2id[tags[w]] for w in enc.word_ids()]
            enc["labels"] = labels
            self.features.append({k: torch.tensor(v) for k, v in enc.items()})

    def __len__(self):
        return len(self.features)

    def __getitem__(self, i):
        return self.features[i]


def main():
    rng = random.Random(settings.seed)
    torch.manual_seed(settings.seed)
    entries = [synth_entry(rng) for _ in range(settings.n_entries)]

    with tempfile.TemporaryDirectory() as workdir:
        tokenizer = build_tokenizer(workdir)
        train_ds = LogbookNER(entries, tokenizer)

        model = BertForTokenClassification(BertConfig(
            vocab_size=tokenizer.vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=len(TAGS),
            id2label=dict(enumerate(TAGS)),
            label2id=tag2id,
        ))

        args = TrainingArguments(
            output_dir=os.path.join(workdir, "out"),
            num_train_epochs=1,
            per_device_train_batch_size=settings.batch_size,
            learning_rate=5e-4,
            save_strategy="no",
            logging_steps=4,
            report_to=[],
            disable_tqdm=True,
            use_cpu=True,
        )
        trainer = Trainer(model=model, args=args, train_dataset=train_ds, data_collator=default_data_collator)
        trainer.train()

        probe = tokenizer("replaced brake actuator on nose gear ok".split(), is_split_into_words=True, return_tensors="pt")
        with torch.no_grad():
            pred = model(**probe).logits.argmax(-1)[0].tolist()
        print([TAGS[p] for p in pred])


if __name__ == "__main__":
    main()
