import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

DEVICES = ["none", "lights", "thermostat", "door_lock", "speaker"]
COMMANDS = ["none", "on", "off", "up", "down"]

SESSIONS = [
    [
        ("turn on the kitchen lights", "lights", "on"),
        ("a bit dimmer please", "lights", "down"),
        ("now make it warmer in here", "thermostat", "up"),
        ("and lock the front door", "door_lock", "on"),
    ],
    [
        ("play some jazz in the living room", "speaker", "on"),
        ("louder", "speaker", "up"),
    ],
    [
        ("it is too hot", "thermostat", "down"),
        ("turn off the bedroom lights too", "lights", "off"),
        ("thanks", "none", "none"),
    ],
]


def make_tokenizer(tmpdir):
    words = sorted({w for sess in SESSIONS for text, _, _ in sess for w in text.split()})
    vocab_path = os.path.join(tmpdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_path)


def pack_sessions(tok, sessions):
    utterances = [text for sess in sessions for text, _, _ in sess]
    turn_counts = [len(sess) for sess in sessions]
    longest = max(turn_counts)
    device_gold = torch.full((len(sessions), longest), -100, dtype=torch.long)
    command_gold = torch.full((len(sessions), longest), -100, dtype=torch.long)
    for s, sess in enumerate(sessions):
        for t, (_, dev, cmd) in enumerate(sess):
            device_gold[s, t] = DEVICES.index(dev)
            command_gold[s, t] = COMMANDS.index(cmd)
    enc = tok(utterances, padding=True, return_tensors="pt")
    return enc, turn_counts, device_gold, command_gold


class BeliefTracker(nn.Module):
    def __init__(self, cfg, belief_dim=48):
        super().__init__()
        self.utt_encoder = BertModel(cfg)
        self.belief_dim = belief_dim
        self.update = nn.GRUCell(cfg.hidden_size, belief_dim)
        self.device_head = nn.Linear(belief_dim, len(DEVICES))
        self.command_head = nn.Linear(belief_dim, len(COMMANDS))

    def encode_turns(self, enc):
        out = self.utt_encoder(**enc).last_hidden_state
        return out[:, 0]

    def forward(self, enc, turn_counts, device_gold, command_gold):
        turn_vecs = self.encode_turns(enc)
        per_session = torch.split(turn_vecs, turn_counts, dim=0)
        dev_logits, cmd_logits, dev_tgt, cmd_tgt = [], [], [], []
        for s, session_vecs in enumerate(per_session):
            belief = turn_vecs.new_zeros(1, self.belief_dim)
            for t in range(session_vecs.size(0)):
                belief = self.update(session_vecs[t].unsqueeze(0), belief)
                dev_logits.append(self.device_head(belief))
                cmd_logits.append(self.command_head(belief))
                dev_tgt.append(device_gold[s, t])
                cmd_tgt.append(command_gold[s, t])
        return (
            torch.cat(dev_logits),
            torch.cat(cmd_logits),
            torch.stack(dev_tgt),
            torch.stack(cmd_tgt),
        )


def main():
    tok = make_tokenizer(tempfile.mkdtemp())
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
    )
    tracker = BeliefTracker(cfg)
    opt = torch.optim.AdamW(tracker.parameters(), lr=5e-4)
    ce = nn.CrossEntropyLoss(ignore_index=-100)

    enc, turn_counts, device_gold, command_gold = pack_sessions(tok, SESSIONS)
    print("sessions:", len(SESSIONS), "turns per session:", turn_counts)

    for step in range(5):
        tracker.train()
        dev_logits, cmd_logits, dev_tgt, cmd_tgt = tracker(enc, turn_counts, device_gold, command_gold)
        loss = ce(dev_logits, dev_tgt) + ce(cmd_logits, cmd_tgt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} belief loss {loss.item():.4f}")

    tracker.eval()
    with torch.no_grad():
        dev_logits, _, dev_tgt, _ = tracker(enc, turn_counts, device_gold, command_gold)
    keep = dev_tgt != -100
    acc = (dev_logits.argmax(-1)[keep] == dev_tgt[keep]).float().mean().item()
    print(f"device slot accuracy: {acc:.2f}")


if __name__ == "__main__":
    main()
