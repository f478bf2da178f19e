"""Root-cause classification of railway signalling fault reports.

BERT -> time-major BiLSTM -> additive attention pooling -> cause classifier,
trained with Lightning (bf16 + grad accumulation on the GPU box, fp32 on laptops).
"""
import os
import tempfile
from functools import partial

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)
ON_GPU = torch.cuda.is_available()

CAUSES = ["track_circuit", "point_machine", "power_supply", "cable_damage"]
REPORTS = [
    ("track circuit showing occupied with no train in section", 0),
    ("points failed to detect normal after move", 1),
    ("loss of supply at the relay room after storm", 2),
    ("cable trough lid lifted and cores cut", 3),
    ("false occupancy on berth track after rail change", 0),
    ("point motor stalled half way with ice in chairs", 1),
    ("ups alarm and signal lamps dark", 2),
    ("rodent damage to the tail cable at location case", 3),
    ("insulated rail joint broken giving bobbing track", 0),
    ("points out of correspondence during morning peak", 1),
    ("feeder breaker tripped twice overnight", 2),
    ("theft of copper cable near the level crossing", 3),
]


def write_vocab(folder):
    words = sorted({w for text, _ in REPORTS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def collate(rows, tokenizer, max_len):
    enc = tokenizer([t for t, _ in rows], padding=True, truncation=True, max_length=max_len,
                    return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
            "target": torch.tensor([y for _, y in rows])}


class FaultCauseModel(L.LightningModule):
    def __init__(self, vocab_size, n_causes, hidden=32, rnn_hidden=24, lr=2e-3, max_len=32):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=max_len)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.rnn = nn.LSTM(hidden, rnn_hidden, bidirectional=True)  # (T, B, H)
        self.att = nn.Linear(2 * rnn_hidden, 1)
        self.head = nn.Linear(2 * rnn_hidden, n_causes)

    def encode(self, input_ids, attention_mask):
        states = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        states_tm = states.transpose(0, 1)
        keep = attention_mask.t().bool()
        seq_out, _ = self.rnn(states_tm)
        seq_out = seq_out * keep.unsqueeze(-1)
        return seq_out.transpose(0, 1), keep

    def forward(self, input_ids, attention_mask):
        seq_out, keep = self.encode(input_ids, attention_mask)
        scores = self.att(seq_out).squeeze(-1)
        scores = scores.masked_fill(~keep, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        pooled = torch.bmm(weights.unsqueeze(1), seq_out).squeeze(1)
        return self.head(pooled)

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["target"])
        if batch_idx % 2 == 0:
            print(f"  step {batch_idx} loss={loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(tmp))
    model = FaultCauseModel(tokenizer.vocab_size, len(CAUSES))
    print("hparams:", dict(model.hparams))
    loader = DataLoader(REPORTS, batch_size=4, shuffle=True, pin_memory=ON_GPU,
                        collate_fn=partial(collate, tokenizer=tokenizer, max_len=model.hparams.max_len))
    trainer = L.Trainer(max_epochs=1, accelerator="gpu" if ON_GPU else "cpu", devices=1,
                        precision="bf16-mixed" if ON_GPU else "32-true", accumulate_grad_batches=2,
                        enable_progress_bar=False, logger=False, enable_checkpointing=False,
                        enable_model_summary=False)
    trainer.fit(model, loader)

    model.eval()
    with torch.no_grad():
        batch = collate(REPORTS, tokenizer, model.hparams.max_len)
        pred = model(batch["input_ids"], batch["attention_mask"]).argmax(-1)
    print("train acc:", (pred == batch["target"]).float().mean().item())


if __name__ == "__main__":
    main()
