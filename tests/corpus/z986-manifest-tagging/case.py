"""Tag vessels, ports and cargo in transcribed 19th-century port manifest lines.

The archive team transcribes harbour-master ledgers line by line; each word gets a
BIO tag. A small BERT encoder with a linear tagging head, trained with Lightning.
"""
import logging
import os
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(name)s | %(levelname)s | %(message)s")
log = logging.getLogger("manifests")

TAGS = ["O", "B-VESSEL", "I-VESSEL", "B-PORT", "I-PORT", "B-CARGO", "I-CARGO"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

LEDGER = [
    ("brig mary ellen from port glasgow with pig iron and coal",
     "O B-VESSEL I-VESSEL O B-PORT I-PORT O B-CARGO I-CARGO O B-CARGO"),
    ("schooner fortitude out of riga carrying flax",
     "O B-VESSEL O O B-PORT O B-CARGO"),
    ("barque star of hope arrived from new orleans laden with raw cotton",
     "O B-VESSEL I-VESSEL I-VESSEL O O B-PORT I-PORT O O B-CARGO I-CARGO"),
    ("snow providence from danzig with timber and tar",
     "O B-VESSEL O B-PORT O B-CARGO O B-CARGO"),
    ("sloop two brothers cleared for cork with salt herring",
     "O B-VESSEL I-VESSEL O O B-PORT O B-CARGO I-CARGO"),
    ("ship lady of the lake from calcutta with indigo and jute",
     "O B-VESSEL I-VESSEL I-VESSEL I-VESSEL O B-PORT O B-CARGO O B-CARGO"),
]


def summary(what, **counts):
    print(f"[{what}] " + ", ".join(f"{k}={v}" for k, v in counts.items()))


def ledger_examples(rows):
    for line, tag_line in rows:
        words, tags = line.split(), tag_line.split()
        if len(words) != len(tags):
            raise ValueError(f"tag count mismatch in: {line!r}")
        yield words, [TAG2ID[t] for t in tags]


class ManifestCollator:
    def __init__(self, tokenizer):
        self.tok = tokenizer

    def __call__(self, batch):
        width = max(len(w) for w, _ in batch) + 2
        ids, attn, gold = [], [], []
        for words, tag_ids in batch:
            row = self.tok.convert_tokens_to_ids(["[CLS]"] + words + ["[SEP]"])
            pad = width - len(row)
            ids.append(row + [self.tok.pad_token_id] * pad)
            attn.append([1] * len(row) + [0] * pad)
            gold.append([-100] + tag_ids + [-100] + [-100] * pad)
        return torch.tensor(ids), torch.tensor(attn), torch.tensor(gold)


class ManifestTagger(L.LightningModule):
    def __init__(self, bert_cfg, lr=1e-3):
        super().__init__()
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Linear(bert_cfg.hidden_size, len(TAGS))
        self.lr = lr

    def forward(self, token_ids, attn):
        hidden = self.encoder(input_ids=token_ids, attention_mask=attn).last_hidden_state
        return self.head(hidden)

    def training_step(self, batch, batch_idx):
        token_ids, attn, gold = batch
        scores = self(token_ids, attn)
        loss = F.cross_entropy(scores, gold, ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def main():
    L.seed_everything(21, verbose=False)
    tmp = tempfile.mkdtemp(prefix="ledger_")
    try:
        examples = list(ledger_examples(LEDGER))
        vocab = sorted({w for words, _ in examples for w in words})
        vocab_file = os.path.join(tmp, "vocab.txt")
        with open(vocab_file, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
        tokenizer = BertTokenizer(vocab_file)
        summary("data", lines=len(examples), words=sum(len(w) for w, _ in examples), vocab=len(tokenizer))
    except Exception:
        log.exception("stage data failed")
        raise

    try:
        cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        model = ManifestTagger(cfg)
        loader = DataLoader(examples, batch_size=3, shuffle=True, collate_fn=ManifestCollator(tokenizer))
        summary("model", tags=len(TAGS), batches=len(loader))
    except Exception:
        log.exception("stage model failed")
        raise

    try:
        trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                            logger=False, enable_checkpointing=False)
        trainer.fit(model, train_dataloaders=loader)
        summary("train", steps=trainer.global_step)
    except Exception:
        log.exception("stage train failed")
        raise


if __name__ == "__main__":
    main()
