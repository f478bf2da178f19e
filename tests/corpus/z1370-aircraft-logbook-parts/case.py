"""Tag part names and actions in aircraft maintenance logbook entries.

Lightning fits a token tagger on a handful of entries, the weights go to disk as a
state dict + json, and LogbookTagger serves them with Trainer.predict."""
import json
import os
import tempfile
import warnings

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

try:
    import lightning as L
except ImportError:  # older installs only ship the pytorch_lightning name
    import pytorch_lightning as L

warnings.filterwarnings("ignore", ".*does not have many workers.*")
L.seed_everything(3, verbose=False)

TAGS = ["O", "PART", "ACTION"]
ENTRIES = [
    ("replaced left brake assembly", ["ACTION", "O", "PART", "PART"]),
    ("inspected nose gear strut", ["ACTION", "PART", "PART", "PART"]),
    ("torqued fuel pump fittings per manual", ["ACTION", "PART", "PART", "PART", "O", "O"]),
    ("found cracked pitot tube", ["O", "O", "PART", "PART"]),
    ("serviced hydraulic reservoir", ["ACTION", "PART", "PART"]),
    ("replaced right engine igniter plug", ["ACTION", "O", "PART", "PART", "PART"]),
]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def make_vocab(folder):
    words = sorted({w for text, _ in ENTRIES for w in text.split()} | {"no", "defects", "leak", "at"})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL + words) + "\n")
    return path


def encode_training(tokenizer, max_len):
    rows = []
    for text, tags in ENTRIES:
        enc = tokenizer(text, truncation=True, max_length=max_len)
        tag_ids = [-100] + [TAGS.index(t) for t in tags] + [-100]
        rows.append((enc["input_ids"], tag_ids))
    return rows


def pad_rows(rows, pad_id):
    width = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), width), pad_id)
    tgt = torch.full((len(rows), width), -100)
    for i, (a, b) in enumerate(rows):
        ids[i, :len(a)] = torch.tensor(a)
        tgt[i, :len(b)] = torch.tensor(b)
    return {"input_ids": ids, "attention_mask": (ids != pad_id).long(), "labels": tgt}


class Tagger(L.LightningModule):
    def __init__(self, bert_cfg):
        super().__init__()
        self.net = BertForTokenClassification(bert_cfg)

    def training_step(self, batch, batch_idx):
        loss = self.net(**batch).loss
        self.log("train_loss", loss)
        return loss

    def predict_step(self, batch, batch_idx):
        logits = self.net(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        return {"ids": batch["input_ids"], "att": batch["attention_mask"], "pred": logits.argmax(-1)}

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=2e-3)


def fit_and_export(out_dir, max_len=40):
    tok = BertTokenizer(make_vocab(out_dir))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
    module = Tagger(cfg)
    rows = encode_training(tok, max_len)
    loader = DataLoader(rows, batch_size=3, shuffle=True, collate_fn=lambda r: pad_rows(r, tok.pad_token_id))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(module, loader)
    torch.save(module.net.state_dict(), os.path.join(out_dir, "tagger.pt"))
    with open(os.path.join(out_dir, "tagger.json"), "w") as fh:
        json.dump({"bert": cfg.to_dict(), "tags": TAGS, "max_len": max_len}, fh)


class LogbookTagger:
    def __init__(self, module, tokenizer, tags, max_len, batch_size=4):
        self.module, self.tokenizer, self.tags = module, tokenizer, tags
        self.max_len, self.batch_size = max_len, batch_size
        self.runner = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                                enable_checkpointing=False)

    @classmethod
    def from_dir(cls, path, batch_size=4):
        with open(os.path.join(path, "tagger.json")) as fh:
            spec = json.load(fh)
        module = Tagger(BertConfig(**spec["bert"]))
        module.net.load_state_dict(torch.load(os.path.join(path, "tagger.pt"), map_location="cpu"))
        tok = BertTokenizer(os.path.join(path, "vocab.txt"))
        return cls(module.eval(), tok, spec["tags"], spec["max_len"], batch_size)

    def _collate(self, texts):
        enc = self.tokenizer(texts, padding="longest", truncation=True, max_length=self.max_len,
                             return_tensors="pt")
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}

    def predict_batch(self, entries):
        loader = DataLoader(entries, batch_size=self.batch_size, collate_fn=self._collate)
        results = []
        for out in self.runner.predict(self.module, loader):
            for row in range(out["pred"].size(0)):
                parts, actions = [], []
                for pos in range(1, self.max_len):
                    if out["att"][row, pos] == 0:
                        break
                    word = self.tokenizer.convert_ids_to_tokens(int(out["ids"][row, pos]))
                    if word in self.tokenizer.all_special_tokens:
                        continue
                    label = self.tags[int(out["pred"][row, pos])]
                    if label == "PART":
                        parts.append(word)
                    elif label == "ACTION":
                        actions.append(word)
                results.append({"parts": parts, "actions": actions})
        return results


if __name__ == "__main__":
    export_dir = tempfile.mkdtemp(prefix="logbook_")
    fit_and_export(export_dir)
    tagger = LogbookTagger.from_dir(export_dir)
    todays_log = ["inspected brake assembly no defects", "found fuel leak at pump fittings",
                  "replaced pitot tube", "serviced nose gear strut", "torqued igniter plug"]
    for entry, found in zip(todays_log, tagger.predict_batch(todays_log)):
        print(f"{entry:<40} parts={found['parts']} actions={found['actions']}")
