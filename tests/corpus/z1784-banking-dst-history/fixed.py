import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

SLOT_VALUES = {
    "account": ["none", "checking", "savings", "credit"],
    "action": ["none", "transfer", "balance", "freeze", "dispute"],
    "amount": ["none", "small", "large"],
}

DIALOGUES = [
    {
        "turns": [
            ("user", "hi i need some help with my checking account please"),
            ("sys", "sure what would you like to do with your checking account today"),
            ("user", "i want to move some money over to my savings"),
            ("sys", "how much would you like to transfer from checking to savings"),
            ("user", "about two hundred dollars if that is possible"),
            ("sys", "okay i can transfer two hundred dollars is that right"),
            ("user", "yes that is right and also tell me the balance after"),
        ],
        "state": {"account": "checking", "action": "transfer", "amount": "small"},
    },
    {
        "turns": [
            ("user", "my credit card was stolen"),
            ("sys", "i am sorry to hear that do you want to freeze it"),
            ("user", "yes freeze it right now please"),
        ],
        "state": {"account": "credit", "action": "freeze", "amount": "none"},
    },
    {
        "turns": [
            ("user", "there is a charge on my credit card i do not know"),
            ("sys", "would you like to dispute the charge"),
            ("user", "yes it was a large amount like five thousand dollars"),
        ],
        "state": {"account": "credit", "action": "dispute", "amount": "large"},
    },
    {
        "turns": [
            ("user", "what is the balance on my savings"),
        ],
        "state": {"account": "savings", "action": "balance", "amount": "none"},
    },
]

MAX_POSITIONS = 48
CONTEXT_TURNS = 6


def write_vocab(folder):
    words = set()
    for dlg in DIALOGUES:
        for _, text in dlg["turns"]:
            words.update(text.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[usr]", "[sys]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def flatten_history(turns, keep):
    recent = turns[-keep:]
    return " ".join(f"[{'usr' if spk == 'user' else 'sys'}] {txt}" for spk, txt in recent)


class StateTracker(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.slot_heads = nn.ModuleDict(
            {slot: nn.Linear(cfg.hidden_size, len(vals)) for slot, vals in SLOT_VALUES.items()}
        )

    def forward(self, **enc):
        ctx = self.encoder(**enc).last_hidden_state[:, 0]
        return {slot: head(ctx) for slot, head in self.slot_heads.items()}


def encode_contexts(tok, contexts):
    return tok(contexts, padding=True, truncation=True, max_length=MAX_POSITIONS, return_tensors="pt")


def state_targets(dialogues):
    out = {}
    for slot, vals in SLOT_VALUES.items():
        out[slot] = torch.tensor([vals.index(d["state"][slot]) for d in dialogues])
    return out


def main():
    tmp = tempfile.mkdtemp()
    tok = BertTokenizer(write_vocab(tmp))
    tok.add_special_tokens({"additional_special_tokens": ["[usr]", "[sys]"]})

    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_POSITIONS,
    )
    tracker = StateTracker(cfg)
    opt = torch.optim.AdamW(tracker.parameters(), lr=3e-4)
    ce = nn.CrossEntropyLoss()

    contexts = [flatten_history(d["turns"], CONTEXT_TURNS) for d in DIALOGUES]
    gold = state_targets(DIALOGUES)

    tracker.train()
    for epoch in range(3):
        enc = encode_contexts(tok, contexts)
        preds = tracker(**enc)
        loss = sum(ce(preds[slot], gold[slot]) for slot in SLOT_VALUES)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch} joint slot loss {loss.item():.4f}")

    tracker.eval()
    with torch.no_grad():
        enc = encode_contexts(tok, contexts)
        preds = tracker(**enc)
    for i, dlg in enumerate(DIALOGUES):
        guess = {s: SLOT_VALUES[s][preds[s][i].argmax().item()] for s in SLOT_VALUES}
        print(i, guess, "gold:", dlg["state"])


if __name__ == "__main__":
    main()
