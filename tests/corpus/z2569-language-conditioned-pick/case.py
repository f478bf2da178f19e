import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

COLORS = ["red", "green", "blue", "yellow", "black", "white"]
OBJECTS = ["mug", "block", "sponge", "banana", "can", "bowl", "marker", "screwdriver"]
PLACES = ["drawer", "bin", "tray", "shelf", "basket"]
TEMPLATES = [
    "pick up the {c} {o}",
    "grab the {c} {o} and lift it",
    "put the {c} {o} in the {p}",
    "carefully place the {c} {o} into the {p} next to the {o2}",
    "move the {c} {o} to the left of the {o2}",
    "push the {c} {o} toward the {p}",
]

CFG = {
    "max_instr_len": 24,
    "n_candidates": 5,
    "obj_feat_dim": 20,
    "hidden": 32,
    "batch_size": 8,
    "lr": 5e-4,
    "steps": 30,
}


def write_vocab(path):
    words = set()
    for t in TEMPLATES:
        words.update(w for w in t.replace("{c}", "").replace("{o}", "").replace("{o2}", "")
                     .replace("{p}", "").split())
    words.update(COLORS + OBJECTS + PLACES)
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(special + sorted(words)) + "\n")


def object_features(color, obj, dim):
    g = torch.Generator().manual_seed(COLORS.index(color) * 100 + OBJECTS.index(obj))
    return torch.randn(dim, generator=g)


def make_episodes(n, cfg):
    episodes = []
    for _ in range(n):
        cands = random.sample([(c, o) for c in COLORS for o in OBJECTS], cfg["n_candidates"])
        target = random.randrange(cfg["n_candidates"])
        c, o = cands[target]
        o2 = random.choice([x for x in OBJECTS if x != o])
        text = random.choice(TEMPLATES).format(c=c, o=o, o2=o2, p=random.choice(PLACES))
        feats = torch.stack([object_features(cc, oo, cfg["obj_feat_dim"]) for cc, oo in cands])
        feats = feats + 0.05 * torch.randn_like(feats)
        episodes.append({"instruction": text, "object_feats": feats, "target": target})
    return episodes


class InstructionPickDataset(Dataset):
    def __init__(self, episodes, tokenizer, max_len):
        self.episodes = episodes
        self.encoded = []
        for ep in episodes:
            enc = tokenizer(ep["instruction"], padding=True, truncation=True,
                            max_length=max_len, return_tensors="pt")
            self.encoded.append({k: v.squeeze(0) for k, v in enc.items()})

    def __len__(self):
        return len(self.episodes)

    def __getitem__(self, idx):
        ep = self.episodes[idx]
        item = dict(self.encoded[idx])
        item["object_feats"] = ep["object_feats"]
        item["target"] = torch.tensor(ep["target"])
        return item


def collate_episodes(batch):
    out = {}
    for key in ("input_ids", "attention_mask", "object_feats", "target"):
        out[key] = torch.stack([b[key] for b in batch])
    return out


class LanguageConditionedPicker(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg["hidden"], num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=64)
        self.text_encoder = BertModel(bert_cfg)
        self.obj_proj = nn.Sequential(nn.Linear(cfg["obj_feat_dim"], cfg["hidden"]), nn.GELU(),
                                      nn.Linear(cfg["hidden"], cfg["hidden"]))
        self.temperature = nn.Parameter(torch.tensor(1.0))

    def forward(self, input_ids, attention_mask, object_feats):
        text = self.text_encoder(input_ids=input_ids, attention_mask=attention_mask)
        instr = text.pooler_output                                  # (B, H)
        objs = self.obj_proj(object_feats)                          # (B, K, H)
        scores = torch.einsum("bh,bkh->bk", instr, objs) / self.temperature
        return scores


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    vocab_path = os.path.join(here, "instr_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    episodes = make_episodes(96, CFG)
    ds = InstructionPickDataset(episodes, tokenizer, CFG["max_instr_len"])
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_episodes)

    model = LanguageConditionedPicker(tokenizer.vocab_size, CFG)
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

    step = 0
    while step < CFG["steps"]:
        for batch in loader:
            scores = model(batch["input_ids"], batch["attention_mask"], batch["object_feats"])
            loss = F.cross_entropy(scores, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            acc = (scores.argmax(-1) == batch["target"]).float().mean().item()
            if step % 10 == 0:
                print(f"step {step:3d}  loss {loss.item():.3f}  pick-acc {acc:.2f}")
            step += 1
            if step >= CFG["steps"]:
                break


if __name__ == "__main__":
    main()
