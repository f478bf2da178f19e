"""Pick the right ruling for board-game rules questions: [question] [rule excerpt] [candidate ruling]."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
import lightning as L
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

# each item: question, rule excerpt, candidate rulings, index of the correct one
RULINGS = [
    ("can a knight move through robbers", "robber blocks production only",
     ["yes movement unaffected", "no knight must stop"], 0),
    ("do trade cards count at game end", "victory points from cards count at end",
     ["no they are discarded", "yes each card scores"], 1),
    ("may players trade on another turn", "trading only during active player turn",
     ["no only active player trades", "yes anytime"], 0),
    ("does a blocked road still connect", "opponent settlement breaks road",
     ["yes it connects", "no the road is broken"], 1),
]


def write_vocab():
    words = set()
    for q, rule, cands, _ in RULINGS:
        words.update(q.split())
        words.update(rule.split())
        for c in cands:
            words.update(c.split())
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


class RulingChoices(Dataset):
    """Encodes every (question, rule, candidate) triple into fixed-width rows."""

    def __init__(self, rows, tok, width=40):
        self.rows, self.tok, self.width = rows, tok, width

    def __len__(self):
        return len(self.rows)

    def _encode(self, parts):
        pieces, segs = [self.tok.cls_token_id], [0]
        for seg_no, text in enumerate(parts):
            ids = self.tok.convert_tokens_to_ids(text.split()) + [self.tok.sep_token_id]
            pieces += ids
            segs += [seg_no] * len(ids)
        pad = self.width - len(pieces)
        mask = [1] * len(pieces) + [0] * pad
        pieces += [self.tok.pad_token_id] * pad
        segs += [0] * pad
        return pieces, segs, mask

    def __getitem__(self, i):
        question, rule, cands, gold = self.rows[i]
        enc = [self._encode([question, rule, c]) for c in cands]
        return {
            "tok": torch.tensor([e[0] for e in enc]),
            "seg": torch.tensor([e[1] for e in enc]),
            "att": torch.tensor([e[2] for e in enc]),
            "gold": torch.tensor(gold),
        }


class RulingScorer(L.LightningModule):
    def __init__(self, cfg, lr=2e-4):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.score = nn.Linear(cfg.hidden_size, 1)
        self.lr = lr

    def forward(self, tok, seg, att):
        n_q, n_c, width = tok.shape
        hidden = self.encoder(input_ids=tok.view(-1, width),
                              token_type_ids=seg.view(-1, width),
                              attention_mask=att.view(-1, width)).pooler_output
        return self.score(hidden).view(n_q, n_c)

    def training_step(self, batch, batch_idx):
        logits = self(batch["tok"], batch["seg"], batch["att"])
        loss = F.cross_entropy(logits, batch["gold"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    tok = BertTokenizer(write_vocab())
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     type_vocab_size=3)
    print(f"vocab={tok.vocab_size} hidden={cfg.hidden_size}")

    loader = DataLoader(RulingChoices(RULINGS, tok), batch_size=2, shuffle=True)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(RulingScorer(cfg), train_dataloaders=loader)
    print("rulings scorer trained")


if __name__ == "__main__":
    main()
