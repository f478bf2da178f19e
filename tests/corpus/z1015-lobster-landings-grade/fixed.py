"""Grade lobster landing reports (dock notes) using text + the weekly moving-average dock price."""
import enum
import math
import os
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(5, verbose=False)

SEASON_START = date(2024, 4, 1)
SEASON_WEEKS = 22
MA_WINDOW = 3


class Port(enum.Enum):
    STONINGTON = "STN"
    VINALHAVEN = "VNH"
    PORTLAND = "PWM"


class Grade(enum.Enum):
    PRIME = 0
    STANDARD = 1
    PROCESSING = 2


@dataclass
class LandingReport:
    port: Port
    landed: date
    note: str
    grade: Grade


REPORTS = [
    LandingReport(Port.STONINGTON, date(2024, 4, 9), "hard shell full meat lively", Grade.PRIME),
    LandingReport(Port.VINALHAVEN, date(2024, 4, 23), "mixed shell some culls", Grade.STANDARD),
    LandingReport(Port.PORTLAND, date(2024, 5, 7), "weak soft shell many culls", Grade.PROCESSING),
    LandingReport(Port.STONINGTON, date(2024, 5, 21), "hard shell lively good colour", Grade.PRIME),
    LandingReport(Port.VINALHAVEN, date(2024, 6, 11), "shedders soft shell weak", Grade.PROCESSING),
    LandingReport(Port.PORTLAND, date(2024, 7, 2), "mixed shell lively", Grade.STANDARD),
    LandingReport(Port.STONINGTON, date(2024, 7, 30), "soft shell culls weak", Grade.PROCESSING),
    LandingReport(Port.VINALHAVEN, date(2024, 8, 20), "hard shell full meat", Grade.PRIME),
]


def dock_prices():
    # synthetic boat price per lb for every day of the season
    for d in range(SEASON_WEEKS * 7):
        yield SEASON_START + timedelta(days=d), 6.0 + 1.5 * math.sin(d / 20) - d * 0.01


def weekly_ma_table():
    sums, counts = torch.zeros(SEASON_WEEKS), torch.zeros(SEASON_WEEKS)
    for day, price in dock_prices():
        wk = (day - SEASON_START).days // 7
        sums[wk] += price
        counts[wk] += 1
    weekly = sums / counts.clamp(min=1)
    ma = torch.stack([weekly[max(0, w - MA_WINDOW + 1): w + 1].mean() for w in range(SEASON_WEEKS)])
    return torch.stack([ma, weekly - ma], dim=1)  # (weeks, 2)


def encode_reports(reports, tokenizer):
    port_ids = {p: i for i, p in enumerate(Port)}
    rows = []
    for rep in reports:
        match rep:
            case LandingReport(port=port, landed=day, note=str(note), grade=Grade() as grade):
                enc = tokenizer(note, padding="max_length", max_length=16, truncation=True)
                rows.append({"ids": torch.tensor(enc["input_ids"]),
                             "att": torch.tensor(enc["attention_mask"]),
                             "port": torch.tensor(port_ids[port]),
                             "week": torch.tensor((day - SEASON_START).days // 7),
                             "y": torch.tensor(grade.value)})
    return rows


class GradeModel(L.LightningModule):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.port_emb = nn.Embedding(len(Port), 8)
        self.register_buffer("weekly_ma", weekly_ma_table())
        self.head = nn.Linear(cfg.hidden_size + 8 + 2, len(Grade))

    def forward(self, batch):
        text = self.bert(input_ids=batch["ids"], attention_mask=batch["att"]).pooler_output
        price = self.weekly_ma[batch["week"]]
        return self.head(torch.cat([text, self.port_emb(batch["port"]), price], dim=-1))

    def training_step(self, batch, batch_idx):
        loss = F.cross_entropy(self(batch), batch["y"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


def main():
    tmp = tempfile.mkdtemp()
    words = sorted({w for r in REPORTS for w in r.note.split()})
    with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    rows = encode_reports(REPORTS, tok)
    print(f"{len(rows)} landing reports, season table {tuple(weekly_ma_table().shape)}")
    loader = DataLoader(rows, batch_size=4, shuffle=False)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(GradeModel(cfg), loader)
    print("trained")


if __name__ == "__main__":
    main()
