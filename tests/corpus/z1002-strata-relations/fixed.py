"""Relation classification between annotated mentions in field-survey notes (mineral/rock-unit relations).

Annotations come from the survey team's brat export (head mention, tail mention, relation).
Representation = [h(head start) ; h(tail start)] from a tiny BERT, as in the usual entity-start recipe.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
from torch import nn
from transformers import (BertConfig, BertModel, BertPreTrainedModel, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

RELATIONS = ["found_in", "overlies", "intrudes"]


def brat(text, head, tail, rel):
    hs, ts = text.index(head), text.index(tail)
    return {"text": text, "head": (hs, hs + len(head)), "tail": (ts, ts + len(tail)), "rel": rel}


NOTES = [
    brat("native gold occurs in quartz veins of the harlech grits", "native gold", "harlech grits", "found_in"),
    brat("the cambrian shale overlies the harlech grits near the river", "cambrian shale", "harlech grits", "overlies"),
    brat("a dolerite dyke intrudes the cambrian shale at the quarry", "dolerite dyke", "cambrian shale", "intrudes"),
    brat("galena and sphalerite were logged in the carboniferous limestone", "galena", "carboniferous limestone", "found_in"),
    brat("boulder clay overlies the carboniferous limestone across the valley", "boulder clay", "carboniferous limestone", "overlies"),
    brat("the granite stock intrudes folded slate on the northern ridge", "granite stock", "folded slate", "intrudes"),
    brat("pyrite cubes are common in the folded slate", "pyrite", "folded slate", "found_in"),
    brat("glacial till overlies the granite stock in the lower cut", "glacial till", "granite stock", "overlies"),
]


@dataclass
class RunCfg:
    hidden: int = 32
    epochs: int = 2
    batch: int = 4
    seed: int = 3


class SpanPairClassifier(BertPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.bert = BertModel(config)
        self.head = nn.Linear(2 * config.hidden_size, config.num_labels)
        self.post_init()

    def forward(self, input_ids, attention_mask, head_start, tail_start, labels=None):
        hid = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        bsz, seq, dim = hid.shape
        flat = hid.reshape(bsz * seq, dim)
        row = torch.arange(bsz, device=hid.device) * seq
        pair = torch.cat([flat.index_select(0, row + head_start), flat.index_select(0, row + tail_start)], -1)
        logits = self.head(pair)
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = nn.functional.cross_entropy(logits, labels)
        return out


class NotesDataset(torch.utils.data.Dataset):
    def __init__(self, feats):
        self.feats = feats

    def __len__(self):
        return len(self.feats["input_ids"])

    def __getitem__(self, i):
        return {k: v[i] for k, v in self.feats.items()}


class Pipeline:
    def __init__(self, cfg: RunCfg):
        self.cfg = cfg
        self.tmp = tempfile.mkdtemp(prefix="strata_")
        set_seed(cfg.seed)

    def load(self, notes):
        self.notes = notes
        words = sorted({w for n in notes for w in n["text"].split()})
        with open(os.path.join(self.tmp, "vocab.txt"), "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        self.tok = BertTokenizer(os.path.join(self.tmp, "vocab.txt"))
        return self

    def encode(self):
        enc = self.tok([n["text"] for n in self.notes], padding=True, return_tensors="pt")
        self.feats = {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "head_start": torch.tensor([enc.char_to_token(i, n["head"][0]) for i, n in enumerate(self.notes)]),
            "tail_start": torch.tensor([enc.char_to_token(i, n["tail"][0]) for i, n in enumerate(self.notes)]),
            "labels": torch.tensor([RELATIONS.index(n["rel"]) for n in self.notes]),
        }
        print(f"encoded {len(self.notes)} notes, padded length {enc['input_ids'].shape[1]}")
        return self

    def build_model(self):
        bcfg = BertConfig(vocab_size=len(self.tok), hidden_size=self.cfg.hidden, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                          num_labels=len(RELATIONS))
        self.model = SpanPairClassifier(bcfg)
        return self

    def train(self):
        args = TrainingArguments(output_dir=os.path.join(self.tmp, "out"), per_device_train_batch_size=self.cfg.batch,
                                 num_train_epochs=self.cfg.epochs, learning_rate=5e-3, logging_steps=1,
                                 save_strategy="no", use_cpu=True, disable_tqdm=True, report_to=[])
        self.trainer = Trainer(model=self.model, args=args, train_dataset=NotesDataset(self.feats))
        result = self.trainer.train()
        print(f"train loss {result.training_loss:.4f}")
        return self


if __name__ == "__main__":
    Pipeline(RunCfg()).load(NOTES).encode().build_model().train()
