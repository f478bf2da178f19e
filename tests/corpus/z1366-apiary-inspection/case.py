"""Hive inspection triage: suggest the next action from a beekeeper's notes
plus a few numbers logged by the hive scale / inspection form."""
import json
import os
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn as nn

torch.manual_seed(3)

ACTIONS = ["requeen", "treat_varroa", "add_super", "no_action"]
STATS = ["weight_kg", "brood_frames", "mite_count"]


@dataclass
class Inspection:
    hive: str
    notes: str
    stats: dict = field(default_factory=dict)
    action: str = ""


TRAIN = [
    Inspection("H1", "no eggs seen queenless roaring colony", {"weight_kg": 31, "brood_frames": 0, "mite_count": 2}, "requeen"),
    Inspection("H2", "spotty brood drone laying queen", {"weight_kg": 28, "brood_frames": 2, "mite_count": 3}, "requeen"),
    Inspection("H3", "deformed wings mites on drones", {"weight_kg": 40, "brood_frames": 6, "mite_count": 14}, "treat_varroa"),
    Inspection("H4", "sugar roll high mite drop", {"weight_kg": 38, "brood_frames": 5, "mite_count": 11}, "treat_varroa"),
    Inspection("H5", "boxes full of nectar crowded frames", {"weight_kg": 55, "brood_frames": 8, "mite_count": 1}, "add_super"),
    Inspection("H6", "heavy flow bees bearding crowded", {"weight_kg": 58, "brood_frames": 9, "mite_count": 2}, "add_super"),
    Inspection("H7", "calm colony good brood pattern", {"weight_kg": 42, "brood_frames": 7, "mite_count": 1}, "no_action"),
    Inspection("H8", "queen seen eggs present calm", {"weight_kg": 44, "brood_frames": 6, "mite_count": 2}, "no_action"),
]


def words(text):
    return text.lower().split()


class HiveTriage(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden, n_stats, n_actions):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden + n_stats, n_actions)

    def forward(self, tokens, lengths, stats=None):
        out, _ = self.rnn(self.emb(tokens))
        valid = (torch.arange(tokens.size(1))[None, :] < lengths[:, None]).unsqueeze(-1)
        # masked mean over the real note tokens
        pooled = (out * valid).sum(1) / lengths[:, None].float()
        feats = pooled if stats is None else torch.cat([pooled, stats], dim=-1)
        return self.head(feats)


def make_batch(items, vocab, stat_names, scale):
    seqs = [[vocab.get(w, 1) for w in words(it.notes)] for it in items]
    lengths = torch.tensor([len(s) for s in seqs])
    tokens = torch.zeros(len(seqs), int(lengths.max()), dtype=torch.long)
    for row, s in enumerate(seqs):
        tokens[row, : len(s)] = torch.tensor(s)
    stats = None
    if stat_names:
        stats = torch.tensor([[it.stats.get(k, 0.0) / scale[k] for k in stat_names] for it in items])
    return tokens, lengths, stats


def train_and_save(target_dir):
    vocab = {"<pad>": 0, "<unk>": 1}
    for it in TRAIN:
        for w in words(it.notes):
            vocab.setdefault(w, len(vocab))
    # rough per-field scaling so kg and mite counts live on similar ranges
    scale = {k: max(it.stats[k] for it in TRAIN) for k in STATS}
    cfg = {"vocab": vocab, "emb_dim": 24, "hidden": 16, "stats_fields": STATS, "scale": scale, "actions": ACTIONS}
    net = HiveTriage(len(vocab), cfg["emb_dim"], cfg["hidden"], len(STATS), len(ACTIONS))
    optim = torch.optim.Adam(net.parameters(), lr=1e-2)
    tokens, lengths, stats = make_batch(TRAIN, vocab, STATS, scale)
    gold = torch.tensor([ACTIONS.index(it.action) for it in TRAIN])
    for epoch in range(6):
        loss = nn.functional.cross_entropy(net(tokens, lengths, stats), gold)
        optim.zero_grad()
        loss.backward()
        optim.step()
    print(f"trained {epoch + 1} epochs, final loss {loss.item():.3f}")
    torch.save(net.state_dict(), os.path.join(target_dir, "triage.pt"))
    with open(os.path.join(target_dir, "triage.json"), "w") as fh:
        json.dump(cfg, fh, indent=2)


class Predictor:
    def __init__(self, net, cfg, include_stats=False, batch_size=16):
        self.net = net.eval()
        self.cfg = cfg
        self.include_stats = include_stats
        self.batch_size = batch_size

    @classmethod
    def from_dir(cls, folder, **options):
        with open(os.path.join(folder, "triage.json")) as fh:
            cfg = json.load(fh)
        net = HiveTriage(len(cfg["vocab"]), cfg["emb_dim"], cfg["hidden"], len(cfg["stats_fields"]), len(cfg["actions"]))
        net.load_state_dict(torch.load(os.path.join(folder, "triage.pt"), map_location="cpu"))
        print(f"loaded triage model from {folder} ({sum(p.numel() for p in net.parameters())} params)")
        return cls(net, cfg, **options)

    @torch.no_grad()
    def predict_batch(self, inspections):
        stat_names = self.cfg["stats_fields"] if self.include_stats else []
        suggestions = {}
        for lo in range(0, len(inspections), self.batch_size):
            group = inspections[lo : lo + self.batch_size]
            tokens, lengths, stats = make_batch(group, self.cfg["vocab"], stat_names, self.cfg["scale"])
            logits = self.net(tokens, lengths, stats)
            for it, k in zip(group, logits.argmax(dim=-1).tolist()):
                suggestions[it.hive] = self.cfg["actions"][k]
        return suggestions


if __name__ == "__main__":
    out_dir = tempfile.mkdtemp(prefix="apiary_")
    train_and_save(out_dir)
    triage = Predictor.from_dir(out_dir)
    todays_round = [
        Inspection("Y-03", "mite drop high after sugar roll", {"weight_kg": 39, "brood_frames": 5, "mite_count": 12}),
        Inspection("Y-07", "no eggs queenless", {"weight_kg": 30, "brood_frames": 1, "mite_count": 2}),
        Inspection("Y-11", "crowded frames heavy flow", {"weight_kg": 57, "brood_frames": 9, "mite_count": 1}),
    ]
    for hive, action in triage.predict_batch(todays_round).items():
        print(f"{hive}: {action}")
