import os
import re
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(7)

GAME_RECORDS = [
    "1. e2e4 e7e5 2. g1f3 b8c6 3. f1b5 a7a6 4. b5a4 g8f6 5. e1g1 f8e7 6. f1e1 b7b5 7. a4b3 d7d6 8. c2c3 e8g8",
    "1. e2e4 c7c5 2. g1f3 d7d6 3. d2d4 c5d4 4. f3d4 g8f6 5. b1c3 a7a6 6. c1e3 e7e5 7. d4b3 c8e6",
    "1. e2e4 e7e5 2. g1f3 b8c6 3. f1c4 d7d6 4. b1c3 c8g4 5. h2h3 g4h5? 6. f3e5! h5d1?? 7. c4f7 e8e7 8. c3d5",
    "1. d2d4 d7d5 2. c2c4 e7e6 3. b1c3 g8f6 4. c1g5 f8e7 5. e2e3 e8g8 6. g1f3 h7h6",
    "1. e2e4 e7e5 2. f1c4 b8c6 3. d1h5 g8f6?? 4. h5f7",
    "1. d2d4 g8f6 2. c2c4 g7g6 3. b1c3 f8g7 4. e2e4 d7d6 5. g1f3 e8g8 6. f1e2 e7e5 7. e1g1 b8c6 8. d4d5 c6e7",
    "1. e2e4 e7e6 2. d2d4 d7d5 3. b1c3 f8b4 4. e4e5 c7c5 5. a2a3 b4c3 6. b2c3 g8e7 7. d1g4!? e8g8",
    "1. c2c4 e7e5 2. b1c3 g8f6 3. g1f3 b8c6 4. g2g3 d7d5?! 5. c4d5 f6d5 6. f1g2 d5b6",
]

ANNOTATIONS = {"": "plain", "!": "good", "!?": "interesting", "?!": "dubious", "?": "mistake", "??": "blunder"}
TAG_NAMES = list(ANNOTATIONS.values())
TAG_ID = {t: i for i, t in enumerate(TAG_NAMES)}
MOVE_RE = re.compile(r"^([a-h][1-8][a-h][1-8][qrbn]?)(\?\?|\?!|!\?|!|\?)?$")


def parse_record(record):
    moves, tags = [], []
    for piece in record.split():
        if re.fullmatch(r"\d+\.", piece):
            continue
        m = MOVE_RE.match(piece)
        if m is None:
            raise ValueError(f"cannot parse move {piece!r}")
        moves.append(m.group(1))
        tags.append(TAG_ID[ANNOTATIONS[m.group(2) or ""]])
    return moves, tags


class AnnotatedGames(Dataset):
    def __init__(self, records):
        self.games = [parse_record(r) for r in records]

    def __len__(self):
        return len(self.games)

    def __getitem__(self, idx):
        return self.games[idx]


def write_move_vocab(games, folder):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    seen = sorted({mv for moves, _ in games for mv in moves})
    path = os.path.join(folder, "uci_moves.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + seen) + "\n")
    return path, len(specials) + len(seen)


def make_collate(tokenizer):
    def collate(batch):
        move_lists = [moves for moves, _ in batch]
        tag_lists = [tags for _, tags in batch]
        enc = tokenizer(move_lists, is_split_into_words=True, padding=True, return_tensors="pt")
        width = enc["input_ids"].size(1)
        ply_tags = torch.full((len(batch), width), -100, dtype=torch.long)
        for row, tags in enumerate(tag_lists):
            ply_tags[row, 1 : len(tags) + 1] = torch.tensor(tags)
        return enc, ply_tags

    return collate


def main():
    workdir = tempfile.mkdtemp(prefix="annot_")
    games = AnnotatedGames(GAME_RECORDS)
    vocab_path, vocab_size = write_move_vocab(games.games, workdir)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=False)
    print(f"{len(games)} games, move vocabulary of {vocab_size}")

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TAG_NAMES),
    )
    tagger = BertForTokenClassification(config)
    loader = DataLoader(games, batch_size=4, shuffle=False, collate_fn=make_collate(tokenizer))
    optim = torch.optim.AdamW(tagger.parameters(), lr=3e-3)

    tagger.train()
    for epoch in range(4):
        running = 0.0
        for enc, ply_tags in loader:
            out = tagger(**enc, labels=ply_tags)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            running += out.loss.item()
        print(f"epoch {epoch} loss {running / len(loader):.4f}")

    tagger.eval()
    moves, _ = games[2]
    with torch.no_grad():
        enc = tokenizer([moves], is_split_into_words=True, return_tensors="pt")
        pred = tagger(**enc).logits.argmax(-1)[0, 1:-1]
    for mv, tag in zip(moves, pred.tolist()):
        if TAG_NAMES[tag] != "plain":
            print(mv, TAG_NAMES[tag])


if __name__ == "__main__":
    main()
