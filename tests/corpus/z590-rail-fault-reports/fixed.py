"""Route track-maintenance fault reports to the right depot team.

Patrol staff write short reports from the handheld; a tiny BERT encoder with a
pooled head sorts them into the team that should pick the job up.
"""
import os
import re
import tempfile

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

TEAMS = ["permanent_way", "signalling", "overhead_line", "drainage", "vegetation"]

REPORTS = [
    ("broken fishplate bolt at the joint on the down line, rail head chipped", "permanent_way"),
    ("signal stuck at red after the storm, track circuit showing occupied", "signalling"),
    ("contact wire sagging between masts twelve and thirteen, dropper missing", "overhead_line"),
    ("standing water in the cess, culvert blocked with silt and leaves", "drainage"),
    ("overgrown brambles fouling the sighting of the distant signal", "vegetation"),
    ("wet bed under the sleepers, ballast pumping white slurry", "drainage"),
    ("point motor failed to detect, signaller reports no indication", "signalling"),
    ("cracked sleeper and loose clip near the level crossing", "permanent_way"),
    ("tree leaning toward the overhead line after high winds", "vegetation"),
    ("insulator flashover marks on the registration arm at the portal", "overhead_line"),
]


def make_tokenizer(texts, folder):
    tokens = sorted({t for s in texts for t in re.findall(r"\w+|[^\w\s]", s.lower())})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens) + "\n")
    return BertTokenizer(path)


class FaultReports(Dataset):
    def __init__(self, rows, tokenizer, max_len=40):
        texts = [r[0] for r in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=max_len,
                             return_tensors="pt")
        self.team = torch.tensor([TEAMS.index(r[1]) for r in rows])

    def __len__(self):
        return self.team.shape[0]

    def __getitem__(self, i):
        return self.enc["input_ids"][i], self.enc["attention_mask"][i], self.team[i]


class FaultRouter(L.LightningModule):
    def __init__(self, bert_config: BertConfig, n_teams: int, lr: float = 5e-4):
        super().__init__()
        self.lr = lr
        self.encoder = BertModel(bert_config, add_pooling_layer=False)
        width = bert_config.hidden_size
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(2 * width, n_teams)
        self.loss_fn = nn.CrossEntropyLoss()

    @staticmethod
    def pool(states, keep):
        # first token plus masked average: short reports lean on CLS, long ones on the mean
        weights = keep.unsqueeze(-1).to(states.dtype)
        mean = (states * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        return torch.cat([states[:, 0], mean], dim=-1)

    def forward(self, token_ids, keep):
        states = self.encoder(input_ids=token_ids, attention_mask=keep).last_hidden_state
        return self.head(self.drop(self.pool(states, keep)))

    def training_step(self, batch, batch_idx):
        token_ids, keep, team = batch
        logits = self(token_ids, keep)
        loss = self.loss_fn(logits, team)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    folder = tempfile.mkdtemp(prefix="rail_")
    tokenizer = make_tokenizer([r[0] for r in REPORTS], folder)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)

    loader = DataLoader(FaultReports(REPORTS, tokenizer), batch_size=4, shuffle=True)
    router = FaultRouter(cfg, n_teams=len(TEAMS))
    print(f"encoder params: {sum(p.numel() for p in router.encoder.parameters())}")

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(router, loader)
    print("fit finished, last loss", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
