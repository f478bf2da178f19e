"""Classify excavation context-sheet descriptions into feature types.

Context sheets are typed up from the trench notebooks; we want a quick first-pass
tagger (pit / posthole / ditch / wall / hearth) to help the finds team sort them.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
import lightning as L
from transformers import BertConfig, BertModel, BertTokenizer

FEATURE_TYPES = ["pit", "posthole", "ditch", "wall", "hearth"]

SHEETS = [
    ("sub circular cut with steep sides filled with dark organic silt and animal bone", "pit"),
    ("small round cut with packing stones around a central void", "posthole"),
    ("linear cut running north south with v shaped profile", "ditch"),
    ("two courses of roughly dressed limestone bonded with clay", "wall"),
    ("reddened scorched clay surface with charcoal rich lens", "hearth"),
    ("oval cut containing broken pottery and burnt grain", "pit"),
    ("post pipe visible in section with stone packing", "posthole"),
    ("recut of boundary ditch with silty primary fill", "ditch"),
    ("robbed out wall footing with mortar fragments", "wall"),
    ("burnt stones and ash spread over fired clay base", "hearth"),
    ("large irregular cut with tip lines of redeposited natural", "pit"),
    ("linear gully terminating in a rounded butt end", "ditch"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    tmp = tempfile.mkdtemp(prefix="ctx_vocab_")
    vpath = os.path.join(tmp, "vocab.txt")
    with open(vpath, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return vpath


class ContextSheetData(L.LightningDataModule):
    def __init__(self, rows, vocab_path, batch_size=4):
        super().__init__()
        self.rows = rows
        self.tokenizer = BertTokenizer(vocab_path)
        self.batch_size = batch_size

    def setup(self, stage=None):
        self.items = []
        for text, ftype in self.rows:
            ids = self.tokenizer.encode(text)
            self.items.append((torch.tensor(ids), FEATURE_TYPES.index(ftype)))
        print(f"[data] {len(self.items)} context sheets, longest {max(len(i) for i, _ in self.items)} tokens")

    def _collate(self, batch):
        seqs, tags = zip(*batch)
        return {
            "token_ids": pad_sequence(seqs, batch_first=True, padding_value=self.tokenizer.pad_token_id),
            "lengths": torch.tensor([len(s) for s in seqs]),
            "tags": torch.tensor(tags),
        }

    def train_dataloader(self):
        return DataLoader(self.items, batch_size=self.batch_size, shuffle=True, collate_fn=self._collate)


class FeatureTagger(L.LightningModule):
    def __init__(self, vocab_size, n_classes, max_seq_len=64, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=max_seq_len,
        )
        self.encoder = BertModel(cfg)
        self.head = torch.nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, token_ids, lengths):
        positions = torch.arange(token_ids.size(1), device=token_ids.device)
        keep = (positions.unsqueeze(0) < lengths.unsqueeze(1)).long()
        hidden = self.encoder(input_ids=token_ids, attention_mask=keep).last_hidden_state
        return self.head(hidden[:, 0])

    def training_step(self, batch, batch_idx):
        logits = self(batch["token_ids"], batch["lengths"])
        loss = F.cross_entropy(logits, batch["tags"])
        if batch_idx == 0:
            print(f"[train] epoch {self.current_epoch} first batch loss {loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    L.seed_everything(21, verbose=False)
    vocab_path = write_vocab([t for t, _ in SHEETS])
    data = ContextSheetData(SHEETS, vocab_path)
    model = FeatureTagger(vocab_size=len(data.tokenizer), n_classes=len(FEATURE_TYPES))

    trainer = L.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
    )
    trainer.fit(model, datamodule=data)
    print("done; trained steps:", trainer.global_step)


if __name__ == "__main__":
    main()
