import os
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(11)
torch.manual_seed(11)

SLOTS = {
    "restaurant-food": ["none", "italian", "chinese", "indian", "dontcare"],
    "restaurant-area": ["none", "north", "south", "centre", "dontcare"],
    "restaurant-pricerange": ["none", "cheap", "moderate", "expensive", "dontcare"],
}
FILLER = ("i am looking for a place to eat in the please book it for me "
          "is there anything else can help you with yes no thanks "
          "what about something how many people table").split()
MAX_CTX = 40


def build_vocab_file(path):
    values = {v for vals in SLOTS.values() for v in vals}
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[usr]", "[sys]"]
    toks += sorted(set(FILLER) | values)
    with open(path, "w") as f:
        f.write("\n".join(toks) + "\n")


def synth_dialogue(n_turns):
    state = {s: "none" for s in SLOTS}
    turns = []
    for t in range(n_turns):
        slot = rng.choice(list(SLOTS))
        val = rng.choice(SLOTS[slot][1:])
        words = [rng.choice(FILLER) for _ in range(rng.randint(4, 9))]
        words.insert(rng.randrange(len(words)), val)
        state = dict(state, **{slot: val})
        sys_utt = " ".join(rng.choice(FILLER) for _ in range(rng.randint(3, 8)))
        turns.append({"sys": sys_utt, "usr": " ".join(words), "state": dict(state)})
    return turns


def turn_examples(dialogue):
    history = []
    for turn in dialogue:
        history.append(("[sys]", turn["sys"]))
        history.append(("[usr]", turn["usr"]))
        labels = [SLOTS[s].index(turn["state"][s]) for s in SLOTS]
        yield list(history), labels


def encode_history(tokenizer, history):
    text = " ".join(f"{spk} {utt}" for spk, utt in history)
    pieces = tokenizer.tokenize(text)
    ids = tokenizer.convert_tokens_to_ids(pieces)
    ids = ids[-(MAX_CTX - 2):]
    ids = [tokenizer.cls_token_id] + ids + [tokenizer.sep_token_id]
    mask = [1] * (len(pieces) + 2)
    return ids, mask


def collate(encoded, labels, pad_id):
    width = max(len(ids) for ids, _ in encoded)
    input_ids = torch.full((len(encoded), width), pad_id, dtype=torch.long)
    attn = torch.zeros(len(encoded), max(len(m) for _, m in encoded), dtype=torch.long)
    for row, (ids, m) in enumerate(encoded):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        attn[row, : len(m)] = torch.tensor(m)
    return {"input_ids": input_ids, "attention_mask": attn,
            "labels": torch.tensor(labels, dtype=torch.long)}


class SlotClassifierDST(nn.Module):
    def __init__(self, cfg, slot_sizes):
        super().__init__()
        self.bert = BertModel(cfg)
        self.heads = nn.ModuleList(nn.Linear(cfg.hidden_size, k) for k in slot_sizes)
        self.drop = nn.Dropout(0.1)

    def forward(self, input_ids, attention_mask):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        h = self.drop(h)
        return [head(h) for head in self.heads]


def joint_goal_accuracy(logits_per_slot, labels):
    preds = torch.stack([lg.argmax(-1) for lg in logits_per_slot], dim=1)
    return (preds == labels).all(dim=1).float().mean().item()


def main():
    vocab_path = os.path.join(HERE, "vocab.txt")
    build_vocab_file(vocab_path)
    tokenizer = BertTokenizer(vocab_path)
    tokenizer.add_special_tokens({"additional_special_tokens": ["[usr]", "[sys]"]})

    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64)
    model = SlotClassifierDST(config, [len(v) for v in SLOTS.values()])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ce = nn.CrossEntropyLoss()

    examples = [ex for _ in range(12) for ex in turn_examples(synth_dialogue(rng.randint(2, 5)))]
    rng.shuffle(examples)
    bs = 8
    for start in range(0, len(examples), bs):
        chunk = examples[start:start + bs]
        enc = [encode_history(tokenizer, h) for h, _ in chunk]
        batch = collate(enc, [lab for _, lab in chunk], tokenizer.pad_token_id)
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = sum(ce(lg, batch["labels"][:, i]) for i, lg in enumerate(logits))
        opt.zero_grad()
        loss.backward()
        opt.step()
        jga = joint_goal_accuracy(logits, batch["labels"])
        print(f"batch {start // bs:2d} loss={loss.item():.3f} jga={jga:.2f}")


if __name__ == "__main__":
    main()
