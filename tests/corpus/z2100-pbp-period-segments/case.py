"""Classify the outcome of the next possession from a window of basketball play-by-play.

Each training window is a run of consecutive play-by-play lines; every token is tagged with
the period its play happened in so the encoder can tell late-game plays from early ones.
"""
import os
import random
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

REGULATION_PERIODS = ["Q1", "Q2", "Q3", "Q4"]
OUTCOMES = ["made_fg", "missed_fg", "turnover", "foul_drawn"]
WINDOW = 4
MAX_TOKENS = 64

PLAY_TEMPLATES = [
    "{p} drives baseline and lays it in",
    "{p} misses three point jumper from the corner",
    "{p} offensive rebound and putback",
    "{p} bad pass stolen at half court",
    "{p} shooting foul on the drive",
    "{p} pull up jumper from the elbow good",
    "{p} defensive rebound pushes in transition",
    "{p} timeout called by the bench",
]
PLAYERS = ["okafor", "reyes", "lindqvist", "banks", "moreau", "tanaka", "hill", "petrov"]


def fake_game(n_plays=60, overtime=True):
    plays = []
    periods = REGULATION_PERIODS + (["OT"] if overtime else [])
    per_period = n_plays // len(periods)
    for period in periods:
        for _ in range(per_period):
            text = random.choice(PLAY_TEMPLATES).format(p=random.choice(PLAYERS))
            plays.append({"period": period, "text": text, "outcome": random.randrange(len(OUTCOMES))})
    return plays


def write_vocab(folder, games):
    words = sorted({w for g in games for play in g for w in play["text"].split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "pbp_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def build_windows(games, tokenizer, period_index):
    token_rows, period_rows, targets = [], [], []
    for plays in games:
        for start in range(0, len(plays) - WINDOW):
            chunk = plays[start:start + WINDOW]
            toks, per = [tokenizer.cls_token_id], [period_index[chunk[0]["period"]]]
            for play in chunk:
                ids = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(play["text"]))
                ids.append(tokenizer.sep_token_id)
                toks.extend(ids)
                per.extend([period_index[play["period"]]] * len(ids))
            toks, per = toks[:MAX_TOKENS], per[:MAX_TOKENS]
            pad = MAX_TOKENS - len(toks)
            token_rows.append(toks + [tokenizer.pad_token_id] * pad)
            period_rows.append(per + [0] * pad)
            targets.append(plays[start + WINDOW]["outcome"])
    return torch.tensor(token_rows), torch.tensor(period_rows), torch.tensor(targets)


class PossessionOutcomeModel(nn.Module):
    def __init__(self, config, n_outcomes):
        super().__init__()
        self.encoder = BertModel(config)
        self.head = nn.Linear(config.hidden_size, n_outcomes)

    def forward(self, pbp_tokens, period_tags, attn):
        out = self.encoder(input_ids=pbp_tokens, token_type_ids=period_tags, attention_mask=attn)
        return self.head(out.last_hidden_state[:, 0])


def main():
    tmp = tempfile.mkdtemp()
    games = [fake_game(overtime=(g % 3 == 0)) for g in range(6)]
    tokenizer = BertTokenizer(write_vocab(tmp, games))

    seen_periods = sorted({play["period"] for g in games for play in g})
    period_index = {name: i for i, name in enumerate(seen_periods)}
    print("periods:", period_index)

    pbp_tokens, period_tags, outcome = build_windows(games, tokenizer, period_index)
    attn = (pbp_tokens != tokenizer.pad_token_id).long()
    print("windows:", pbp_tokens.shape, "outcomes:", outcome.bincount().tolist())

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_TOKENS,
        type_vocab_size=len(REGULATION_PERIODS),
    )
    model = PossessionOutcomeModel(config, len(OUTCOMES))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    batch_size = 16
    for epoch in range(2):
        order = torch.randperm(len(outcome))
        total = 0.0
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            logits = model(pbp_tokens[idx], period_tags[idx], attn[idx])
            loss = loss_fn(logits, outcome[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch} loss {total / len(outcome):.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(pbp_tokens[:8], period_tags[:8], attn[:8]).argmax(-1)
    print("sample predictions:", [OUTCOMES[p] for p in preds.tolist()])


if __name__ == "__main__":
    main()
