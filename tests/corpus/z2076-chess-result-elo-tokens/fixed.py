"""Predict the result of a chess game from its opening moves.

Games are stored as UCI move strings with the players' average rating and the
result. Each game is turned into "[ELO_xxxx] e2e4 e7e5 ..." and fed to a tiny
BERT classifier (white win / draw / black win).
"""
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

GAMES = [
    ("e2e4 e7e5 g1f3 b8c6 f1b5 a7a6 b5a4 g8f6 e1g1 f8e7", 1850, "1-0"),
    ("d2d4 d7d5 c2c4 e7e6 b1c3 g8f6 c1g5 f8e7 e2e3 e8g8", 2210, "1/2-1/2"),
    ("e2e4 c7c5 g1f3 d7d6 d2d4 c5d4 f3d4 g8f6 b1c3 a7a6", 1630, "0-1"),
    ("c2c4 e7e5 b1c3 g8f6 g2g3 d7d5 c4d5 f6d5 f1g2 d5b6", 1975, "1-0"),
    ("e2e4 e7e6 d2d4 d7d5 b1c3 f8b4 e4e5 c7c5 a2a3 b4c3", 1420, "0-1"),
    ("d2d4 g8f6 c2c4 g7g6 b1c3 f8g7 e2e4 d7d6 g1f3 e8g8", 2380, "1/2-1/2"),
    ("e2e4 c7c6 d2d4 d7d5 e4e5 c8f5 g1f3 e7e6 f1e2 c6c5", 1760, "1-0"),
    ("g1f3 d7d5 g2g3 g8f6 f1g2 c7c6 e1g1 c8g4 d2d3 b8d7", 2050, "0-1"),
]
RESULT_TO_CLASS = {"1-0": 0, "1/2-1/2": 1, "0-1": 2}
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
ELO_BUCKETS = list(range(1200, 2600, 200))


def elo_token(rating):
    bucket = max(b for b in ELO_BUCKETS if b <= rating)
    return f"[ELO_{bucket}]"


def build_move_vocab(games):
    moves = set()
    for line, _, _ in games:
        moves.update(line.split())
    return SPECIALS + sorted(moves)


def make_tokenizer(move_vocab, workdir):
    path = os.path.join(workdir, "moves.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(move_vocab) + "\n")
    tok = BertTokenizer(path, do_lower_case=False)
    tok.add_tokens([f"[ELO_{b}]" for b in ELO_BUCKETS], special_tokens=True)
    return tok


class GameBatcher:
    def __init__(self, tokenizer, plies):
        self.tokenizer = tokenizer
        self.plies = plies

    def __call__(self, rows):
        texts, outcomes = [], []
        for line, rating, result in rows:
            opening = " ".join(line.split()[: self.plies])
            texts.append(f"{elo_token(rating)} {opening}")
            outcomes.append(RESULT_TO_CLASS[result])
        enc = self.tokenizer(texts, padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor(outcomes)
        return enc


def build_model(n_tokens):
    cfg = BertConfig(
        vocab_size=n_tokens,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
        num_labels=len(RESULT_TO_CLASS),
    )
    return BertForSequenceClassification(cfg)


def train(model, loader, epochs=3):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for epoch in range(epochs):
        total = 0.0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    hits = seen = 0
    for batch in loader:
        labels = batch.pop("labels")
        pred = model(**batch).logits.argmax(-1)
        hits += (pred == labels).sum().item()
        seen += labels.numel()
    return hits / seen


def main():
    with tempfile.TemporaryDirectory() as workdir:
        move_vocab = build_move_vocab(GAMES)
        tokenizer = make_tokenizer(move_vocab, workdir)
        print(f"vocabulary: {len(move_vocab)} entries")

        model = build_model(len(tokenizer))
        batcher = GameBatcher(tokenizer, plies=8)
        train_loader = DataLoader(GAMES, batch_size=4, shuffle=True, collate_fn=batcher)
        eval_loader = DataLoader(GAMES, batch_size=4, collate_fn=batcher)

        train(model, train_loader)
        print(f"train accuracy: {evaluate(model, eval_loader):.2f}")


if __name__ == "__main__":
    main()
