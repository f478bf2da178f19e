"""Possession-outcome classifier over basketball play-by-play commentary.

Each play line from the game log is encoded with a tiny BERT encoder and the
[CLS] vector is mapped to one of the possession outcomes.
"""
import os
import re
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

PLAY_LOG = [
    ("Curry pulls up from 28 feet and drains it", "made_three"),
    ("Jokic backs down Gobert, hook shot off the rim", "miss"),
    ("Tatum drives baseline, lays it in", "made_two"),
    ("Bad pass by Harden stolen by Holiday", "turnover"),
    ("Embiid fouled on the post up, two shots", "foul"),
    ("Booker step back jumper from 17 feet good", "made_two"),
    ("Lillard from the logo, off the back iron", "miss"),
    ("Doncic corner three from the left wing, good", "made_three"),
    ("Shot clock violation on the Knicks", "turnover"),
    ("Antetokounmpo euro step, and one, fouled by Adebayo", "foul"),
    ("Brunson floater in the lane falls", "made_two"),
    ("Young lob intended for Capela sails out of bounds", "turnover"),
]
OUTCOMES = ["made_two", "made_three", "miss", "turnover", "foul"]
OUTCOME_INDEX = {name: i for i, name in enumerate(OUTCOMES)}

MAX_PLAY_TOKENS = 24
BATCH_SIZE = 4


def write_commentary_vocab(folder, plays):
    words = set()
    for text, _ in plays:
        words.update(re.findall(r"\w+|[^\w\s]", text.lower()))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "pbp_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def encode_plays(tokenizer, texts):
    token_rows = [tokenizer.encode(t, add_special_tokens=True)[:MAX_PLAY_TOKENS] for t in texts]
    width = max(len(row) for row in token_rows)
    play_ids = torch.full((len(token_rows), width), tokenizer.pad_token_id, dtype=torch.long)
    for i, row in enumerate(token_rows):
        play_ids[i, : len(row)] = torch.tensor(row)
    play_lengths = torch.tensor([len(row) for row in token_rows])
    return play_ids, play_lengths


def build_visibility(play_lengths):
    slots = torch.arange(MAX_PLAY_TOKENS)
    return (slots.unsqueeze(0) < play_lengths.unsqueeze(1)).long()


class PossessionClassifier(nn.Module):
    def __init__(self, vocab_size, n_outcomes):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.outcome_head = nn.Linear(cfg.hidden_size, n_outcomes)

    def forward(self, play_ids, visibility):
        states = self.encoder(input_ids=play_ids, attention_mask=visibility).last_hidden_state
        return self.outcome_head(states[:, 0])


def batches(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def main():
    with tempfile.TemporaryDirectory() as workdir:
        vocab_path = write_commentary_vocab(workdir, PLAY_LOG)
        tokenizer = BertTokenizer(vocab_path)

    model = PossessionClassifier(tokenizer.vocab_size, len(OUTCOMES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(3):
        model.train()
        running = 0.0
        for chunk in batches(PLAY_LOG, BATCH_SIZE):
            texts = [text for text, _ in chunk]
            targets = torch.tensor([OUTCOME_INDEX[label] for _, label in chunk])
            play_ids, play_lengths = encode_plays(tokenizer, texts)
            visibility = build_visibility(play_lengths)

            logits = model(play_ids, visibility)
            loss = criterion(logits, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item()
        print(f"epoch {epoch}: mean loss {running / 3:.4f}")

    model.eval()
    with torch.no_grad():
        probe = ["Curry pulls up from 28 feet and drains it", "Bad pass by Harden stolen by Holiday"]
        probe_ids, probe_lengths = encode_plays(tokenizer, probe)
        preds = model(probe_ids, build_visibility(probe_lengths)).argmax(-1)
    for text, p in zip(probe, preds.tolist()):
        print(f"{text!r} -> {OUTCOMES[p]}")


if __name__ == "__main__":
    main()
