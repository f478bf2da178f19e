"""Tag reagents, amounts and actions in wet-lab protocol steps.

Tiny BERT token classifier trained with the HF Trainer on a handful of
hand-labelled bench protocol lines (pilot run before the LIMS export).
"""
import logging
import os
import random
import tempfile
from dataclasses import asdict, dataclass, field, replace

import torch
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("protocol-tagger")

TAGS = ["O", "ACTION", "AMOUNT", "REAGENT"]


@dataclass(frozen=True)
class ProtocolStep:
    words: tuple
    tags: tuple


RAW_STEPS = [
    ("add 5 ml tris buffer to the tube", "ACTION AMOUNT AMOUNT REAGENT REAGENT O O O"),
    ("spin at 4000 rpm for 10 min", "ACTION O AMOUNT AMOUNT O AMOUNT AMOUNT"),
    ("wash pellet twice with cold ethanol", "ACTION O O O O REAGENT"),
    ("resuspend in 200 ul elution buffer", "ACTION O AMOUNT AMOUNT REAGENT REAGENT"),
    ("incubate with proteinase k overnight", "ACTION O REAGENT REAGENT O"),
    ("add 2 ul dnase to each well", "ACTION AMOUNT AMOUNT REAGENT O O O"),
    ("vortex the tube briefly", "ACTION O O O"),
    ("transfer 50 ul supernatant to a new plate", "ACTION AMOUNT AMOUNT O O O O O"),
]


@dataclass
class EncodingSettings:
    max_length: int = 48
    label_pad_len: int = 0
    ignore_index: int = -100

    def __post_init__(self):
        if not self.label_pad_len:
            self.label_pad_len = self.max_length


@dataclass
class ModelSettings:
    vocab_size: int = 0
    hidden_size: int = 32
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    intermediate_size: int = 64
    max_position_embeddings: int = 64
    num_labels: int = len(TAGS)


@dataclass
class RunSettings:
    output_dir: str = field(default_factory=tempfile.mkdtemp)
    num_train_epochs: float = 1
    per_device_train_batch_size: int = 4
    learning_rate: float = 5e-4
    logging_steps: int = 1
    save_strategy: str = "no"
    use_cpu: bool = True
    seed: int = 7
    disable_tqdm: bool = True
    report_to: list = field(default_factory=list)


BASE_ENCODING = EncodingSettings()


def build_tokenizer(steps):
    words = sorted({w for s in steps for w in s.words})
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def encode_step(step, tokenizer, enc):
    tag_ids = {t: i for i, t in enumerate(TAGS)}
    out = tokenizer(list(step.words), is_split_into_words=True, truncation=True,
                    padding="max_length", max_length=enc.max_length)
    aligned = []
    for wid in out.word_ids():
        aligned.append(enc.ignore_index if wid is None else tag_ids[step.tags[wid]])
    aligned += [enc.ignore_index] * (enc.label_pad_len - len(aligned))
    out["labels"] = aligned
    return {k: torch.tensor(v) for k, v in out.items()}


class StepDataset(torch.utils.data.Dataset):
    def __init__(self, steps, tokenizer, enc):
        self.features = [encode_step(s, tokenizer, enc) for s in steps]

    def __len__(self):
        return len(self.features)

    def __getitem__(self, idx):
        return self.features[idx]


def main():
    random.seed(7)
    torch.manual_seed(7)
    steps = [ProtocolStep(tuple(t.split()), tuple(g.split())) for t, g in RAW_STEPS]
    assert all(len(s.words) == len(s.tags) for s in steps)

    # protocol lines are short, no need for the full 48 slots
    enc = replace(BASE_ENCODING, max_length=24)
    tokenizer = build_tokenizer(steps)
    model_cfg = ModelSettings(vocab_size=len(tokenizer))
    log.info("encoding=%s", enc)

    model = BertForTokenClassification(BertConfig(**asdict(model_cfg)))
    train_ds = StepDataset(steps, tokenizer, enc)
    log.info("%d training steps encoded", len(train_ds))

    trainer = Trainer(model=model, args=TrainingArguments(**asdict(RunSettings())),
                      train_dataset=train_ds)
    result = trainer.train()
    log.info("final loss %.4f", result.training_loss)


if __name__ == "__main__":
    main()
