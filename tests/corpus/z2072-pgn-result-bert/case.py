import os
import re
import random
import tempfile

import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification

random.seed(7)
torch.manual_seed(7)

RESULTS = {"1-0": 0, "0-1": 1, "1/2-1/2": 2}
SAN_POOL = [
    "e4", "e5", "d4", "d5", "Nf3", "Nc6", "Bb5", "a6", "Ba4", "Nf6", "O-O", "Be7",
    "Re1", "b5", "Bb3", "d6", "c3", "O-O", "h3", "Nb8", "d4", "Nbd7", "c4", "c6",
    "Nc3", "Bg7", "Qe2", "Qc7", "Rd1", "Rfe8", "Kh1", "Kg8", "g3", "h6", "Bxf6",
    "Qxf6", "exd5", "cxd5", "Nxe5", "Bxe5", "Rxe5", "Rxe5", "Qxe5", "Kf8",
]


def write_pgn_file(folder, n_games=24):
    path = os.path.join(folder, "club_games.pgn")
    with open(path, "w") as fh:
        for g in range(n_games):
            result = random.choice(list(RESULTS))
            n_plies = random.randint(18, 60) if g % 8 else random.randint(110, 150)
            moves = [random.choice(SAN_POOL) for _ in range(n_plies)]
            chunks = []
            for i in range(0, n_plies, 2):
                chunks.append(f"{i // 2 + 1}. " + " ".join(moves[i:i + 2]))
            fh.write(f'[Event "Club blitz"]\n[Round "{g + 1}"]\n[Result "{result}"]\n\n')
            fh.write(" ".join(chunks) + f" {result}\n\n")
    return path


def parse_pgn(path):
    games = []
    text = open(path).read()
    for block in text.strip().split("[Event ")[1:]:
        header, _, movetext = block.partition("\n\n")
        result = re.search(r'\[Result "([^"]+)"\]', header).group(1)
        movetext = re.sub(r"\d+\.", " ", movetext)
        plies = [tok for tok in movetext.split() if tok not in RESULTS]
        games.append((plies, RESULTS[result]))
    return games


class MoveVocab:
    def __init__(self, games):
        self.itos = ["[PAD]", "[CLS]", "[UNK]"]
        for plies, _ in games:
            for san in plies:
                if san not in self.itos:
                    self.itos.append(san)
        self.stoi = {s: i for i, s in enumerate(self.itos)}

    def encode(self, plies):
        return [self.stoi["[CLS]"]] + [self.stoi.get(p, 2) for p in plies]


class GameResultSet(Dataset):
    def __init__(self, games, vocab):
        self.items = [(vocab.encode(plies), res) for plies, res in games]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_games(batch):
    longest = max(len(seq) for seq, _ in batch)
    move_ids = torch.zeros(len(batch), longest, dtype=torch.long)
    attn = torch.zeros(len(batch), longest, dtype=torch.long)
    for row, (seq, _) in enumerate(batch):
        move_ids[row, :len(seq)] = torch.tensor(seq)
        attn[row, :len(seq)] = 1
    outcome = torch.tensor([res for _, res in batch])
    return move_ids, attn, outcome


def build_model(vocab_size):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=96,
        num_labels=len(RESULTS),
    )
    return BertForSequenceClassification(cfg)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        games = parse_pgn(write_pgn_file(tmp))
    vocab = MoveVocab(games)
    print(f"parsed {len(games)} games, {len(vocab.itos)} distinct SAN tokens")

    loader = DataLoader(GameResultSet(games, vocab), batch_size=8, shuffle=False,
                        collate_fn=collate_games)
    model = build_model(len(vocab.itos))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(2):
        total = 0.0
        for move_ids, attn, outcome in loader:
            out = model(input_ids=move_ids, attention_mask=attn, labels=outcome)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
