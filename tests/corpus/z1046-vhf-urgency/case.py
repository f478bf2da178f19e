"""Urgency triage for transcribed maritime VHF calls (distress / urgency / safety / routine).

Lightning module around a tiny BERT trained from scratch; the real run swaps
in the coastguard checkpoint, this one is the offline smoke test.
"""
import os
import tempfile

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
import lightning as L
from transformers import BertConfig, BertModel, BertTokenizer

CLASSES = ["distress", "urgency", "safety", "routine"]
HPARAMS = {"max_tokens": 24, "hidden": 32, "lr": 4e-4, "batch_size": 4}

CALLS = [
    ("mayday mayday vessel taking water engine room flooding", "distress"),
    ("pan pan man overboard requesting assistance", "urgency"),
    ("securite securite debris reported in channel", "safety"),
    ("harbour control request berth for arrival", "routine"),
    ("mayday fire on board abandoning vessel", "distress"),
    ("pan pan engine failure drifting toward rocks", "urgency"),
    ("securite buoy unlit at harbour entrance", "safety"),
    ("radio check channel sixteen", "routine"),
]


def write_vocab(texts):
    folder = tempfile.mkdtemp(prefix="vhf_")
    path = os.path.join(folder, "vocab.txt")
    words = sorted({w for t in texts for w in t.split()})
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def make_encoder(tok, **opts):
    return lambda text: tok(text, **opts)["input_ids"]


def make_collate(pad_id, width):
    def collate(rows):
        seqs = [torch.tensor(ids) for ids, _ in rows]
        lengths = torch.tensor([len(s) for s in seqs])
        ids = pad_sequence(seqs, batch_first=True, padding_value=pad_id)
        keep = (torch.arange(width)[None, :] < lengths[:, None]).long()
        return ids, keep, torch.tensor([y for _, y in rows])
    return collate


def build_head(n, hidden=32):
    return nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Dropout(0.1), nn.Linear(hidden, n))


class CallTriage(L.LightningModule):
    def __init__(self, vocab_size, n_classes, hidden, lr):
        super().__init__()
        self.save_hyperparameters()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=64,
                                         max_position_embeddings=64))
        self.head = build_head(n_classes, hidden)
        self.crit = nn.CrossEntropyLoss()

    def forward(self, ids, keep):
        hs = self.bert(input_ids=ids, attention_mask=keep).last_hidden_state
        return self.head(hs[:, 0])

    def training_step(self, batch, batch_idx):
        ids, keep, y = batch
        loss = self.crit(self(ids, keep), y)
        self.last_loss = loss.detach()
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


class PrintLoss(L.Callback):
    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        print(f"[triage] epoch {trainer.current_epoch} batch {batch_idx} "
              f"loss {pl_module.last_loss.item():.4f}")

    def on_train_end(self, trainer, pl_module):
        print(f"[triage] finished after {trainer.global_step} steps")


def build_loader(tok, hp):
    encode = make_encoder(tok, truncation=True, max_length=hp["max_tokens"])
    rows = [(encode(text), CLASSES.index(label)) for text, label in CALLS]
    collate = make_collate(tok.pad_token_id, hp["max_tokens"])
    return DataLoader(rows, batch_size=hp["batch_size"], shuffle=True, collate_fn=collate)


def main():
    L.seed_everything(5, verbose=False)
    tok = BertTokenizer(write_vocab([t for t, _ in CALLS]))
    loader = build_loader(tok, HPARAMS)
    print(f"[triage] {len(CALLS)} calls, {len(tok)} tokens in vocab")

    model = CallTriage(len(tok), len(CLASSES), HPARAMS["hidden"], HPARAMS["lr"])
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False, callbacks=[PrintLoss()])
    trainer.fit(model, loader)


if __name__ == "__main__":
    main()
