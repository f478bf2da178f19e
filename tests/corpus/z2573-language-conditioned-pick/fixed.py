import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "robot_vocab.txt")

OBJECTS = ["cube", "block", "cup", "bowl", "sponge", "can", "marker", "plate"]
COLORS = ["red", "green", "blue", "yellow", "white", "black"]
PLACES = ["bin", "drawer", "tray", "shelf", "box", "left", "right", "center"]
VERBS = ["pick", "place", "push", "put", "move", "grab", "lift", "slide"]
FILLER = ["the", "a", "up", "into", "onto", "on", "in", "to", "of", "and", "then", "it", "from", "side", "table"]
PRIMITIVES = {"pick": 0, "grab": 0, "lift": 0, "place": 1, "put": 1, "move": 1, "push": 2, "slide": 2}

SCENE_TOKENS = ["[OBJ]", "[LOC]", "[GRIPPER]", "[EE_POSE]"]

CFG = {
    "hidden_size": 32,
    "layers": 1,
    "heads": 2,
    "ffn": 64,
    "max_len": 24,
    "batch_size": 8,
    "lr": 5e-4,
    "steps": 20,
}


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = specials + sorted(set(OBJECTS + COLORS + PLACES + VERBS + FILLER))
    with open(path, "w") as f:
        f.write("\n".join(words) + "\n")


def make_episode(rng):
    verb = rng.choice(VERBS)
    obj = rng.choice(OBJECTS)
    color = rng.choice(COLORS)
    place = rng.choice(PLACES)
    if PRIMITIVES[verb] == 1:
        text = f"{verb} the {color} {obj} [OBJ] into the {place} [LOC]"
    elif PRIMITIVES[verb] == 2:
        text = f"{verb} the {color} {obj} [OBJ] to the {place} side [LOC]"
    else:
        text = f"{verb} up the {color} {obj} [OBJ] [GRIPPER]"
    target_xy = [rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4)]
    return {"instruction": text, "primitive": PRIMITIVES[verb], "target_xy": target_xy}


class InstructionCollator:
    def __init__(self, tokenizer, max_len):
        self.tok = tokenizer
        self.max_len = max_len

    def __call__(self, episodes):
        enc = self.tok(
            [e["instruction"] for e in episodes],
            padding="longest",
            truncation=True,
            max_length=self.max_len,
            return_tensors="pt",
        )
        enc["primitive"] = torch.tensor([e["primitive"] for e in episodes])
        enc["target_xy"] = torch.tensor([e["target_xy"] for e in episodes], dtype=torch.float32)
        return enc


class LanguageConditionedPolicy(nn.Module):
    def __init__(self, encoder, n_primitives=3):
        super().__init__()
        self.encoder = encoder
        h = encoder.config.hidden_size
        self.primitive_head = nn.Linear(h, n_primitives)
        self.target_head = nn.Sequential(nn.Linear(h, h), nn.Tanh(), nn.Linear(h, 2))

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        pooled = out.last_hidden_state[:, 0]
        return self.primitive_head(pooled), self.target_head(pooled)


def build_tokenizer():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)
    tokenizer.add_special_tokens({"additional_special_tokens": SCENE_TOKENS})
    return tokenizer


def build_policy(tokenizer):
    bert_cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=CFG["hidden_size"],
        num_hidden_layers=CFG["layers"],
        num_attention_heads=CFG["heads"],
        intermediate_size=CFG["ffn"],
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id,
    )
    return LanguageConditionedPolicy(BertModel(bert_cfg))


def main():
    torch.manual_seed(0)
    rng = random.Random(0)
    np.random.seed(0)

    tokenizer = build_tokenizer()
    episodes = [make_episode(rng) for _ in range(96)]
    loader = DataLoader(episodes, batch_size=CFG["batch_size"], shuffle=True,
                        collate_fn=InstructionCollator(tokenizer, CFG["max_len"]))

    policy = build_policy(tokenizer)
    opt = torch.optim.Adam(policy.parameters(), lr=CFG["lr"])
    ce = nn.CrossEntropyLoss()
    mse = nn.MSELoss()

    step = 0
    policy.train()
    while step < CFG["steps"]:
        for batch in loader:
            prim_logits, xy = policy(batch["input_ids"], batch["attention_mask"], batch.get("token_type_ids"))
            loss = ce(prim_logits, batch["primitive"]) + 0.5 * mse(xy, batch["target_xy"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % 5 == 0:
                print(f"step {step:3d} loss {loss.item():.4f}")
            step += 1
            if step >= CFG["steps"]:
                break

    policy.eval()
    with torch.no_grad():
        demo = InstructionCollator(tokenizer, CFG["max_len"])([make_episode(rng)])
        logits, xy = policy(demo["input_ids"], demo["attention_mask"])
        print("primitive:", logits.argmax(-1).item(), "target:", xy.squeeze().tolist())


if __name__ == "__main__":
    main()
