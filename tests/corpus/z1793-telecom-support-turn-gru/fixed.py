import os
import tempfile

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

ONTOLOGY = {
    "issue": ["none", "no_signal", "slow_internet", "billing", "roaming"],
    "device": ["none", "router", "phone", "tv_box"],
    "plan": ["none", "prepaid", "postpaid", "fiber"],
}

TRACKER_CFG = {"turn_dim": 48, "bidirectional": True, "max_turn_tokens": 24}

SUPPORT_CHATS = [
    (["my internet is really slow since yesterday",
      "is it the fiber plan or the old one",
      "fiber and the router lights are blinking"],
     {"issue": "slow_internet", "device": "router", "plan": "fiber"}),
    (["i have no signal on my phone",
      "are you abroad right now",
      "yes i am in spain so maybe roaming",
      "roaming is on my postpaid plan i think"],
     {"issue": "roaming", "device": "phone", "plan": "postpaid"}),
    (["why is my bill so high this month"],
     {"issue": "billing", "device": "none", "plan": "none"}),
    (["the tv box keeps losing the connection",
      "no signal message on the screen"],
     {"issue": "no_signal", "device": "tv_box", "plan": "none"}),
    (["can i top up my prepaid phone",
      "and check why the bill shows roaming"],
     {"issue": "billing", "device": "phone", "plan": "prepaid"}),
]


def write_vocab(folder):
    words = sorted({w for turns, _ in SUPPORT_CHATS for t in turns for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class SupportStateTracker(nn.Module):
    def __init__(self, bert_cfg, tracker_cfg):
        super().__init__()
        self.turn_encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.turn_rnn = nn.GRU(
            bert_cfg.hidden_size,
            tracker_cfg["turn_dim"],
            batch_first=True,
            bidirectional=tracker_cfg["bidirectional"],
        )
        state_dim = tracker_cfg["turn_dim"] * (2 if tracker_cfg["bidirectional"] else 1)
        self.value_heads = nn.ModuleDict({
            slot: nn.Linear(state_dim, len(values))
            for slot, values in ONTOLOGY.items()
        })

    def encode_turns(self, enc, turns_per_chat):
        cls = self.turn_encoder(**enc).last_hidden_state[:, 0]
        chats = torch.split(cls, turns_per_chat.tolist())
        return nn.utils.rnn.pad_sequence(chats, batch_first=True)

    def forward(self, enc, turns_per_chat):
        turn_vecs = self.encode_turns(enc, turns_per_chat)
        packed = pack_padded_sequence(turn_vecs, turns_per_chat, batch_first=True, enforce_sorted=False)
        dialogue_states, _ = self.turn_rnn(packed)
        dialogue_states, _ = pad_packed_sequence(dialogue_states, batch_first=True)
        latest = dialogue_states[torch.arange(len(turns_per_chat)), turns_per_chat - 1]
        return {slot: head(latest) for slot, head in self.value_heads.items()}


def make_batch(tok, chats):
    flat_turns = [t for turns, _ in chats for t in turns]
    enc = tok(flat_turns, padding=True, truncation=True,
              max_length=TRACKER_CFG["max_turn_tokens"], return_tensors="pt")
    turns_per_chat = torch.tensor([len(turns) for turns, _ in chats])
    gold = {slot: torch.tensor([values.index(state[slot]) for _, state in chats])
            for slot, values in ONTOLOGY.items()}
    return enc, turns_per_chat, gold


def main():
    tmp = tempfile.mkdtemp()
    tok = BertTokenizer(write_vocab(tmp))
    bert_cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=TRACKER_CFG["max_turn_tokens"],
    )
    tracker = SupportStateTracker(bert_cfg, TRACKER_CFG)
    optim = torch.optim.Adam(tracker.parameters(), lr=1e-3)
    xent = nn.CrossEntropyLoss()

    tracker.train()
    for epoch in range(5):
        running = 0.0
        for lo in range(0, len(SUPPORT_CHATS), 3):
            enc, turns_per_chat, gold = make_batch(tok, SUPPORT_CHATS[lo:lo + 3])
            slot_logits = tracker(enc, turns_per_chat)
            loss = sum(xent(slot_logits[s], gold[s]) for s in ONTOLOGY)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: state loss {running:.3f}")

    tracker.eval()
    with torch.no_grad():
        enc, turns_per_chat, gold = make_batch(tok, SUPPORT_CHATS)
        slot_logits = tracker(enc, turns_per_chat)
    for slot, values in ONTOLOGY.items():
        guess = [values[i] for i in slot_logits[slot].argmax(-1).tolist()]
        acc = (slot_logits[slot].argmax(-1) == gold[slot]).float().mean().item()
        print(f"{slot:>7}: acc {acc:.2f} {guess}")


if __name__ == "__main__":
    main()
