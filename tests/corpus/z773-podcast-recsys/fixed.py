"""Two-tower episode retrieval for the podcast app: listener search text on one
side, episode blurbs on the other, shared tiny BERT, sampled-softmax loss."""
import os
import random
import re
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(0)
torch.manual_seed(0)

EPISODES = [
    (0, "interview with a beekeeper about winter hive losses"),
    (1, "history of the transatlantic telegraph cable"),
    (2, "how sourdough starters work and why they fail"),
    (3, "a chess grandmaster explains endgame technique"),
    (4, "the economics of container shipping and ports"),
    (5, "true crime the museum heist nobody solved"),
    (6, "marathon training plans for first time runners"),
    (7, "why octopuses are so smart according to biologists"),
    (8, "building a home recording studio on a budget"),
    (9, "the strange story of the lost roman legion"),
    (10, "fermenting hot sauce at home safely"),
    (11, "inside the world of competitive speedcubing"),
]
LISTENER_SEARCHES = [
    ("bees dying in winter", 0), ("undersea cable history", 1), ("bread starter help", 2),
    ("chess endgames", 3), ("shipping containers economy", 4), ("art theft mystery", 5),
    ("running my first marathon", 6), ("octopus intelligence", 7), ("cheap home studio", 8),
    ("roman army disappeared", 9), ("make hot sauce", 10), ("rubiks cube speed", 11),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def make_collate(tok, max_len=32):
    blurbs = dict(EPISODES)

    def collate(rows):
        q = tok([r[0] for r in rows], padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        e = tok([blurbs[r[1]] for r in rows], padding=True, truncation=True, max_length=max_len,
                return_tensors="pt")
        return {"query": dict(q), "episode": dict(e), "episode_id": torch.tensor([r[1] for r in rows])}

    return collate


class TwoTower(L.LightningModule):
    def __init__(self, vocab_size, catalogue_size, n_neg=3, temperature=0.1, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg, add_pooling_layer=False)

    def embed(self, enc):
        cls = self.bert(**enc).last_hidden_state[:, 0]
        return F.normalize(cls, dim=-1)

    def draw_negatives(self, episode_ids):
        """k sampled negatives per row, never the row's own episode."""
        k, rows = self.hparams.n_neg, episode_ids.size(0)
        cand = torch.randint(0, rows - 1, (rows, k))
        # shift past the positive so it can't be drawn
        return cand + (cand >= torch.arange(rows).unsqueeze(1)).long()

    def training_step(self, batch, batch_idx):
        q = self.embed(batch["query"])
        ep = self.embed(batch["episode"])
        neg_idx = self.draw_negatives(batch["episode_id"])
        neg = torch.index_select(ep, 0, neg_idx.flatten()).view(*neg_idx.shape, -1)
        pos_score = (q * ep).sum(-1, keepdim=True)
        neg_score = torch.einsum("bh,bkh->bk", q, neg)
        logits = torch.cat([pos_score, neg_score], dim=1) / self.hparams.temperature
        loss = F.cross_entropy(logits, torch.zeros(len(q), dtype=torch.long))
        self.log("train_loss", loss)
        if batch_idx % 2 == 0:
            print(f"batch {batch_idx}  loss {loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    vocab_path = write_vocab([t for _, t in EPISODES] + [s for s, _ in LISTENER_SEARCHES])
    tok = BertTokenizer(vocab_path)
    print(f"tokenizer vocab {tok.vocab_size}, catalogue {len(EPISODES)} episodes")
    loader = DataLoader(LISTENER_SEARCHES, batch_size=4, shuffle=True, collate_fn=make_collate(tok))
    model = TwoTower(tok.vocab_size, catalogue_size=len(EPISODES))
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("done, final loss", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
