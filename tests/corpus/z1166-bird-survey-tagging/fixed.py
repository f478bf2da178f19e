"""Tag species / count / habitat spans in volunteer bird-survey field notes.

Token classification with a tiny BERT, trained through Lightning. Components are
registered by name and wired from CFG so ablations only edit the dict.
"""
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

REGISTRY = {"model": {}, "collator": {}}


def register_model(name):
    def wrap(fn):
        REGISTRY["model"][name] = fn
        return fn
    return wrap


def register_collator(name):
    def wrap(fn):
        REGISTRY["collator"][name] = fn
        return fn
    return wrap


def build(kind, spec, **extra):
    return REGISTRY[kind][spec["type"]](**spec["args"], **extra)


TAGS = ["O", "SPECIES", "COUNT", "HABITAT"]
CFG = {
    "model": {"type": "tiny_bert_tagger", "args": {"hidden": 32, "n_layers": 1}},
    "collator": {"type": "word_tags", "args": {"max_len": 24}},
    "data": {"batch_size": 2},
    "optim": {"lr": 1e-3},
}

# (words, tag per word) -- hand-labelled by the survey coordinator
NOTES = [
    ("three curlew feeding on mudflat".split(), [2, 1, 0, 0, 3]),
    ("single heron at reedbed edge".split(), [2, 1, 0, 3, 0]),
    ("twelve lapwing over wet grassland".split(), [2, 1, 0, 0, 3]),
    ("pair of stonechat in gorse".split(), [2, 0, 1, 0, 3]),
    ("flock of forty golden plover on stubble field".split(), [0, 0, 2, 1, 1, 0, 3, 3]),
    ("one kingfisher along river".split(), [2, 1, 0, 3]),
]


@dataclass
class Example:
    words: list
    tags: list


def write_vocab():
    words = sorted({w for ws, _ in NOTES for w in ws})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


@register_model("tiny_bert_tagger")
def tiny_bert_tagger(vocab_size, hidden=32, n_layers=1, n_heads=2, num_labels=len(TAGS)):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=n_layers,
                     num_attention_heads=n_heads, intermediate_size=hidden * 2,
                     max_position_embeddings=64, num_labels=num_labels)
    return BertForTokenClassification(cfg)


def pad_tags(tag_rows, length, fill=-100):
    return [row + [fill] * (length - len(row)) for row in tag_rows]


@register_collator("word_tags")
def word_tags(batch, tokenizer, max_len=32):
    enc = tokenizer([ex.words for ex in batch], is_split_into_words=True, padding="longest",
                    truncation=True, max_length=max_len, return_tensors="pt")
    # every survey word is a single vocab entry, so tags line up 1:1 between [CLS] and [SEP]
    tag_rows = [[-100] + ex.tags + [-100] for ex in batch]
    enc["labels"] = torch.tensor(pad_tags(tag_rows, enc["input_ids"].shape[1]))
    return dict(enc)


class SurveyTagger(L.LightningModule):
    def __init__(self, net, lr):
        super().__init__()
        self.net = net
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.net(**batch)
        if batch_idx == 0:
            print(f"  step0 loss={out.loss.item():.4f}")
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    L.seed_everything(11, verbose=False)
    tokenizer = BertTokenizer(write_vocab())
    data = [Example(w, t) for w, t in NOTES]
    for ex in data:
        assert len(ex.words) == len(ex.tags), ex.words

    collate = lambda b: build("collator", CFG["collator"], batch=b, tokenizer=tokenizer)
    loader = DataLoader(data, batch_size=CFG["data"]["batch_size"], shuffle=True, collate_fn=collate)
    net = build("model", CFG["model"], vocab_size=len(tokenizer))
    module = SurveyTagger(net, CFG["optim"]["lr"])
    print(f"training tagger on {len(data)} notes, tags={TAGS}")

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(module, loader)
    print("finished, global step", trainer.global_step)


if __name__ == "__main__":
    main()
