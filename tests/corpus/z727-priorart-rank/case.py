"""Prior-art search: re-rank candidate patents for each claim (cross-encoder).

Each training step sees one claim with all its judged candidates
(examiner grades 0 = unrelated, 1 = related, 2 = novelty-destroying),
and a RankNet loss pushes higher-graded candidates above lower-graded ones.
Tiny BERT with random weights, PyTorch Lightning.
"""
import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

CLAIMS = [
    {"claim": "battery cell with ceramic separator layer",
     "candidates": [("ceramic coated separator for lithium cell", 2), ("polymer separator film", 1),
                    ("bicycle brake lever", 0), ("solar panel mounting rail", 0),
                    ("electrolyte additive for lithium cell", 1)]},
    {"claim": "drone propeller guard folding arms",
     "candidates": [("foldable arm quadcopter frame", 2), ("propeller guard ring", 2),
                    ("helicopter rotor blade", 1), ("garden hose reel", 0), ("toy kite frame", 0),
                    ("camera gimbal mount", 1), ("ceramic coffee mug", 0)]},
    {"claim": "coffee grinder conical burr adjustment",
     "candidates": [("conical burr mill with stepless dial", 2), ("blade grinder motor", 1),
                    ("pepper mill ceramic burr", 1), ("drone landing gear", 0)]},
    {"claim": "insulated window frame thermal break",
     "candidates": [("aluminium profile with polyamide thermal break", 2), ("triple glazing unit", 1),
                    ("door hinge", 0), ("foam insulation board", 1), ("coffee filter holder", 0),
                    ("window latch lock", 1)]},
    {"claim": "wheelchair ramp folding aluminium",
     "candidates": [("portable folding ramp", 2), ("aluminium ladder hinge", 1), ("battery charger", 0)]},
    {"claim": "soil moisture sensor wireless node",
     "candidates": [("capacitive soil probe with radio", 2), ("rain gauge bucket", 1),
                    ("wireless weather station", 1), ("greenhouse vent opener", 1),
                    ("irrigation valve controller", 1), ("lithium cell separator", 0),
                    ("bicycle frame lug", 0), ("coffee roaster drum", 0)]},
]


def write_vocab(folder):
    words = set()
    for c in CLAIMS:
        words.update(c["claim"].split())
        for text, _ in c["candidates"]:
            words.update(text.split())
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def preference_matrix(grades):
    g = torch.tensor(grades, dtype=torch.float)
    return torch.sign(g.unsqueeze(1) - g.unsqueeze(0))   # +1 where row beats column


class ClaimGroups(torch.utils.data.Dataset):
    def __init__(self, claims, tokenizer):
        self.claims, self.tok = claims, tokenizer

    def __len__(self):
        return len(self.claims)

    def __getitem__(self, qid):
        c = self.claims[qid]
        docs = [t for t, _ in c["candidates"]]
        enc = self.tok([c["claim"]] * len(docs), docs, padding=True, truncation=True,
                       max_length=40, return_tensors="pt")
        return {"qid": qid, **enc}


class CrossEncoderRanker(L.LightningModule):
    def __init__(self, vocab_size, claims, lr=1e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.scorer = nn.Linear(cfg.hidden_size, 1)
        self.lr = lr
        # pairwise targets are fixed, so build them once up front
        self.pair_targets = [preference_matrix([g for _, g in c["candidates"]]) for c in claims]

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return self.scorer(out.last_hidden_state[:, 0]).squeeze(-1)

    def training_step(self, batch, batch_idx):
        scores = self(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        S = self.pair_targets[batch_idx].to(scores.device)
        diff = scores.unsqueeze(1) - scores.unsqueeze(0)
        wins = (S > 0).float()
        loss = (F.softplus(-diff) * wins).sum() / wins.sum()
        self.log("ranknet", loss)
        if batch_idx % 2 == 0:
            print(f"step {batch_idx}: claim {batch['qid']} with {scores.numel()} candidates, loss {loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def main():
    L.seed_everything(11)
    folder = tempfile.mkdtemp(prefix="priorart_")
    tokenizer = BertTokenizer(write_vocab(folder))
    groups = ClaimGroups(CLAIMS, tokenizer)
    loader = DataLoader(groups, batch_size=1, shuffle=True, collate_fn=lambda items: items[0])
    print(f"{len(groups)} claims, {sum(len(c['candidates']) for c in CLAIMS)} judged candidates")

    ranker = CrossEncoderRanker(tokenizer.vocab_size, CLAIMS)
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(ranker, loader)
    print("finished, last loss", float(trainer.callback_metrics["ranknet"]))


if __name__ == "__main__":
    main()
