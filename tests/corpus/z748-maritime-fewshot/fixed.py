"""Prototypical-network warm-up for maritime distress call triage.

Each episode samples a handful of incident types, builds class prototypes from
a few support transcripts and classifies the query transcripts by distance.
"""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

INCIDENTS = {
    "engine_failure": ["main engine stopped drifting", "lost propulsion engine room smoke free",
                       "engine seized need tow", "no power on main engine"],
    "man_overboard": ["crew member fell over the side", "person in the water port side",
                      "man overboard starting search", "deckhand lost over rail"],
    "fire_onboard": ["fire in the galley spreading", "smoke from cargo hold fire",
                     "engine room fire crew fighting", "fire on deck need assistance"],
    "grounding": ["vessel aground on sandbank", "we hit the reef taking water",
                  "stuck on rocks falling tide", "ran aground near the channel"],
    "collision": ["collided with fishing vessel", "struck by container ship bow damage",
                  "collision with pier hull breached", "two vessels collided in fog"],
    "medical": ["crew member chest pain", "injured deckhand bleeding badly",
                "passenger unconscious need doctor", "burn injury in galley"],
    "piracy": ["armed boarding by skiffs", "suspicious skiffs approaching fast",
               "pirates on deck crew in citadel", "shots fired at bridge"],
    "weather_damage": ["heavy seas broke windows", "storm damage to hatch covers",
                       "cargo shifted in heavy weather", "mast down in storm"],
}
CLASS_NAMES = sorted(INCIDENTS)
N_WAY, K_SHOT, N_QUERY = 3, 2, 2


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def sample_episode(rng):
    """Return (support, query) lists of (text, class_id) pairs."""
    chosen = rng.sample(range(len(CLASS_NAMES)), N_WAY)
    support, query = [], []
    for cid in chosen:
        texts = rng.sample(INCIDENTS[CLASS_NAMES[cid]], K_SHOT + N_QUERY)
        support += [(t, cid) for t in texts[:K_SHOT]]
        query += [(t, cid) for t in texts[K_SHOT:]]
    return chosen, support, query


class ProtoEncoder(torch.nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.proj = torch.nn.Linear(32, 16)

    def forward(self, enc):
        out = self.bert(**enc).last_hidden_state[:, 0]
        return self.proj(out)


def episode_loss(model, tok, chosen, support, query):
    s_enc = tok([t for t, _ in support], padding=True, return_tensors="pt")
    q_enc = tok([t for t, _ in query], padding=True, return_tensors="pt")
    s_emb = model(s_enc)
    q_emb = model(q_enc)

    s_cls = torch.tensor([c for _, c in support])
    prototypes = torch.stack([s_emb[s_cls == c].mean(0) for c in chosen])

    slot = {c: i for i, c in enumerate(chosen)}
    q_target = torch.tensor([slot[c] for _, c in query])
    logits = -torch.cdist(q_emb, prototypes) ** 2
    loss = F.cross_entropy(logits, q_target)
    acc = (logits.argmax(-1) == q_target).float().mean().item()
    return loss, acc


def main():
    all_texts = [t for v in INCIDENTS.values() for t in v]
    tok = BertTokenizer(write_vocab(all_texts))
    model = ProtoEncoder(tok.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    rng = random.Random(11)

    print(f"{len(CLASS_NAMES)} incident types, {N_WAY}-way {K_SHOT}-shot episodes")
    for ep in range(20):
        chosen, support, query = sample_episode(rng)
        loss, acc = episode_loss(model, tok, chosen, support, query)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if ep % 5 == 0:
            names = ", ".join(CLASS_NAMES[c] for c in chosen)
            print(f"episode {ep:02d} [{names}] loss={loss.item():.3f} acc={acc:.2f}")
    print("done")


if __name__ == "__main__":
    main()
